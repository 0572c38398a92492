package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// heartbeat keeps idle event streams open through proxies and notices gone clients.
const heartbeat = 25 * time.Second

// campaignEvents streams the campaign's live events as Server-Sent Events until the client
// leaves or the server shuts down.
func (s *Server) campaignEvents(c echo.Context) error {
	sc, err := s.scope(c)
	if err != nil {
		return err
	}
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
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.streamsDone:
			return nil
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
