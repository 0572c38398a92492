package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"
)

// permissionsPolicy turns off the powerful browser features the console never uses, so that
// injected markup could not use them either. Only features every current browser knows are
// named: an unknown one is reported on the console of every page.
const permissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), " +
	"serial=(), midi=(), display-capture=()"

// hstsMaxAge is two years, the value browsers' preload lists ask for. includeSubDomains is
// left out: the console may live on one host of a domain whose other hosts it must not force
// onto TLS.
const hstsMaxAge = "max-age=63072000"

// contentSecurityPolicy allows only what the server sends: scripts and style sheets from this
// origin, plus the one head script and the theme <style> block of the page, which carry the
// request's nonce. There is no 'unsafe-inline' for scripts or styles: user-chosen colours are
// drawn as SVG fills (presentation attributes, which the policy does not govern) rather than
// style attributes, so style-src-attr needs no exception. htmx is configured not to evaluate
// code and not to inject its indicator styles, so it needs neither 'unsafe-eval' nor an
// inline style.
func contentSecurityPolicy(nonce string) string {
	return strings.Join([]string{
		"default-src 'none'",
		fmt.Sprintf("script-src 'self' 'nonce-%s'", nonce),
		fmt.Sprintf("style-src 'self' 'nonce-%s'", nonce),
		"img-src 'self'",
		"font-src 'self'",
		"connect-src 'self'",
		"manifest-src 'self'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"base-uri 'none'",
		"object-src 'none'",
	}, "; ")
}

// clientIP says where a request came from, for sign-in throttling and the audit log: the
// connection's address or, when that is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one. Without trusted proxies the forwarding headers are ignored,
// since any client can write them; behind an untrusted proxy every client would share its
// address and its sign-in failures.
func clientIP(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false),
		echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(),
			Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

// newNonce returns 128 random bits for one response's Content-Security-Policy.
func newNonce() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("web: nonce: %w", err)
	}
	return base64.RawStdEncoding.EncodeToString(b), nil
}

// secureHeaders sets the browser security headers on every response, error pages, static
// files and the API included, and puts a fresh nonce in the request's context, where the
// page layout finds it for its inline script and theme style.
func (s *Server) secureHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		nonce, err := newNonce()
		if err != nil {
			return err
		}
		req := c.Request()
		c.SetRequest(req.WithContext(templ.WithNonce(req.Context(), nonce)))

		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy(nonce))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", permissionsPolicy)
		// Over plain HTTP the header is ignored by browsers; behind a TLS-terminating proxy the
		// secure-cookies setting says the site is served over TLS.
		if req.TLS != nil || s.SecureCookies {
			h.Set("Strict-Transport-Security", hstsMaxAge)
		}
		return next(c)
	}
}
