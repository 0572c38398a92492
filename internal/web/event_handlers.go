package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/clawops/clawops/internal/access"
)

// heartbeat keeps idle event streams open through proxies and notices gone clients.
const heartbeat = 25 * time.Second

// accessRecheck is how soon a stream notices that its caller's access may have ended.
const accessRecheck = time.Second

// campaignEvents streams the campaign's live events as Server-Sent Events until the client
// leaves or the server shuts down.
func (s *Server) campaignEvents(c echo.Context) error {
	// Read before access is checked, so that no change made from here on goes unnoticed.
	seen := s.revocations.Load()
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
	p, _ := principal(c)
	if !s.streams.acquire(p.UserID) {
		return errTooManyStreams
	}
	defer s.streams.release(p.UserID)
	sub := s.Broker.Subscribe(sc.CampaignID())
	defer sub.Close()

	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\n: connected to %s\n\n", sc.CampaignID())
	w.Flush()

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	recheck := time.NewTicker(accessRecheck)
	defer recheck.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.streamsDone:
			return nil
		case <-recheck.C:
			if n := s.revocations.Load(); n != seen {
				seen = n
				if !s.stillAllowed(c, sc) {
					fmt.Fprint(w, "event: closed\ndata: {\"reason\":\"access ended\"}\n\n")
					w.Flush()
					return nil
				}
			}
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
			w.Flush()
		case e, ok := <-sub.C:
			if !ok {
				return nil
			}
			data, err := json.Marshal(e.Data)
			if err != nil {
				return fmt.Errorf("web: encode %s event: %w", e.Type, err)
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data)
			w.Flush()
		}
	}
}

// stillAllowed checks a stream's caller again, as they are now: the token still valid, the
// session still signed in, the user not disabled, the campaign still theirs to see.
func (s *Server) stillAllowed(c echo.Context, sc access.Scope) bool {
	ctx := context.WithoutCancel(c.Request().Context())
	var fresh access.Principal
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		secret, _ := strings.CutPrefix(h, "Bearer ")
		p, err := s.Users.PrincipalForToken(ctx, strings.TrimSpace(secret))
		if err != nil {
			return false
		}
		fresh = p
	} else {
		_, found, err := s.sessions.Store.Find(s.sessions.Token(c.Request().Context()))
		if err != nil || !found {
			return false
		}
		p, _ := principal(c)
		u, err := s.Users.User(ctx, p.UserID)
		if err != nil || u.Disabled {
			return false
		}
		fresh = u.Principal()
	}
	id, role, err := s.Campaigns.Resolve(ctx, sc.CampaignID(), fresh.UserID)
	if err != nil {
		return false
	}
	_, err = access.Grant(fresh, id, role)
	return err == nil
}
