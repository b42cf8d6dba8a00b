-- name: RevokeToken :exec
INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING;

-- name: TokenRevoked :one
SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = $1);

-- name: PruneRevokedTokens :execrows
DELETE FROM revoked_tokens WHERE expires_at < now();

-- Counts an attempt before the PIN is checked, so concurrent guesses cannot overshoot the limit;
-- a window older than window_seconds starts afresh.
-- name: ReserveSigninAttempt :one
INSERT INTO signin_throttle AS t (student_number, window_start, failures)
VALUES (@student_number, now(), 1)
ON CONFLICT (student_number) DO UPDATE SET
    window_start = CASE WHEN t.window_start <= now() - make_interval(secs => @window_seconds::float8)
                        THEN now() ELSE t.window_start END,
    failures = CASE WHEN t.window_start <= now() - make_interval(secs => @window_seconds::float8)
                    THEN 1 ELSE t.failures + 1 END
RETURNING window_start, failures, now()::timestamptz AS now;

-- A successful sign-in gives its reserved attempt back.
-- name: ReleaseSigninAttempt :exec
UPDATE signin_throttle SET failures = failures - 1 WHERE student_number = $1 AND failures > 0;

-- name: PruneSigninThrottle :execrows
DELETE FROM signin_throttle WHERE window_start < now() - make_interval(secs => @window_seconds::float8);

-- name: InsertSettingIfAbsent :exec
INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING;

-- name: GetSetting :one
SELECT value FROM settings WHERE key = $1;

-- Replaces a PIN hash by its peppered form at sign-in, only while the hash checked is still the
-- one stored: a PIN reset in the meantime wins.
-- name: UpgradePINHash :execrows
UPDATE people SET pin_hash = @new_hash WHERE student_number = @student_number AND pin_hash = @old_hash;
