-- name: InsertProject :one
INSERT INTO projects (description, lab_id) VALUES ($1, $2) RETURNING id;

-- Adds a member only if the student exists and is not an admin; 0 rows means neither.
-- name: AddMember :execrows
INSERT INTO project_members (project_id, student_number, position)
SELECT @project_id, s.student_number, @position
FROM students s
WHERE s.student_number = @student_number AND s.role = 'student';

-- name: UpdateProject :execrows
UPDATE projects SET description = $2, lab_id = $3, updated_at = now() WHERE id = $1;

-- name: ProjectIDOfStudent :one
SELECT project_id FROM project_members WHERE student_number = $1;

-- name: GetProjectRows :many
SELECT p.id, p.description, l.id AS lab_id, l.room, l.starts_at, l.capacity,
       s.student_number, s.name, s.role
FROM projects p
JOIN lab_slots l ON l.id = p.lab_id
JOIN project_members m ON m.project_id = p.id
JOIN students s ON s.student_number = m.student_number
WHERE p.id = $1
ORDER BY m.position;

-- name: ListProjectRows :many
SELECT p.id, p.description, l.id AS lab_id, l.room, l.starts_at, l.capacity,
       s.student_number, s.name, s.role
FROM projects p
JOIN lab_slots l ON l.id = p.lab_id
JOIN project_members m ON m.project_id = p.id
JOIN students s ON s.student_number = m.student_number
ORDER BY l.starts_at, l.room, p.id, m.position;
