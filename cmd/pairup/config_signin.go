package main

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pairup/pairup/api/auth"
)

// signinConfig is how sign-in tells clients apart and keeps PINs.
type signinConfig struct {
	// TrustedProxies are the peers whose X-Forwarded-For is believed (PAIRUP_TRUSTED_PROXIES);
	// none: the client address is the TCP peer.
	TrustedProxies []netip.Prefix
	// AddressLimit is the failed sign-ins allowed from one address per throttle window
	// (PAIRUP_SIGNIN_ADDRESS_LIMIT); 0 turns the address throttle off.
	AddressLimit int
	// PINPepper keys every new PIN hash (PAIRUP_PIN_PEPPER); empty: none.
	PINPepper []byte
	// PINCost is the bcrypt cost of new PIN hashes (PAIRUP_PIN_COST, auth.MinPINCost to
	// auth.MaxPINCost); a stored hash of another cost is rehashed at its next sign-in.
	PINCost int
}

func loadSigninConfig(getenv func(string) string) (signinConfig, error) {
	cfg := signinConfig{AddressLimit: auth.DefaultAddressThrottle.Limit, PINCost: auth.DefaultPINCost}
	for _, item := range strings.Split(getenv("PAIRUP_TRUSTED_PROXIES"), ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := parseProxyRange(item)
		if err != nil {
			return signinConfig{}, fmt.Errorf("PAIRUP_TRUSTED_PROXIES: %q is not an IP address or CIDR range such as 10.0.0.0/8", item)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	if v := getenv("PAIRUP_SIGNIN_ADDRESS_LIMIT"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 0 {
			return signinConfig{}, fmt.Errorf("PAIRUP_SIGNIN_ADDRESS_LIMIT=%q is not a whole number of failures (0 turns the limit off)", v)
		}
		cfg.AddressLimit = n
	}
	if v := getenv("PAIRUP_PIN_PEPPER"); v != "" {
		if len(v) < auth.MinPepperLen {
			return signinConfig{}, fmt.Errorf("PAIRUP_PIN_PEPPER must be at least %d bytes", auth.MinPepperLen)
		}
		cfg.PINPepper = []byte(v)
	}
	if v := getenv("PAIRUP_PIN_COST"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < auth.MinPINCost || n > auth.MaxPINCost {
			return signinConfig{}, fmt.Errorf("PAIRUP_PIN_COST=%q is not a bcrypt cost from %d to %d", v, auth.MinPINCost, auth.MaxPINCost)
		}
		cfg.PINCost = n
	}
	return cfg, nil
}

// parseProxyRange reads a CIDR range or a single address (a range of one).
func parseProxyRange(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("zoned address")
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// pins is how this configuration hashes PINs, wherever a PIN is stored.
func (c signinConfig) pins() auth.PINs {
	return auth.PINs{Pepper: c.PINPepper, Cost: c.PINCost}
}

// signinOptions configures sign-in for serve.
func (c signinConfig) signinOptions(logger *slog.Logger) auth.SigninOptions {
	address := auth.DefaultAddressThrottle
	address.Limit = c.AddressLimit
	return auth.SigninOptions{Throttle: auth.DefaultThrottle, Address: address, PINs: c.pins(), Logger: logger}
}
