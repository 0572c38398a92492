package web_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/clawops/clawops/internal/testutil"
)

// openCampaignStream opens a campaign's event stream with a bearer token and returns its reader.
func openCampaignStream(t *testing.T, s *testutil.Server, tok, campaignID string) *bufio.Reader {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET",
		s.URL+"/api/campaigns/"+campaignID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stream: %d", res.StatusCode)
	}
	return bufio.NewReader(res.Body)
}

// untilClosed reads the stream to its end and returns what it said last.
func untilClosed(t *testing.T, rd *bufio.Reader) string {
	t.Helper()
	var last string
	for {
		line, err := rd.ReadString('\n')
		if err == io.EOF {
			return last
		}
		if err != nil {
			t.Fatalf("the stream did not end: %v", err)
		}
		if strings.HasPrefix(line, "event: ") {
			last = strings.TrimSpace(line)
		}
	}
}

func TestStreamsEndWhenAccessEnds(t *testing.T) {
	w := newDataWorld(t)
	s := w.s

	// A member removed from the campaign loses its stream.
	members := s.Do("GET", "/api/campaigns/"+w.bID+"/members", w.admin, nil).JSON(t)
	var bUser string
	for _, m := range members["data"].([]any) {
		if m.(map[string]any)["email"] == "bravo-data@example.com" {
			bUser = m.(map[string]any)["userId"].(string)
		}
	}
	rd := openCampaignStream(t, s, w.bTok, w.bID)
	if res := s.Do("DELETE", "/api/campaigns/"+w.bID+"/members/"+bUser, w.admin, nil); res.Status != http.StatusNoContent {
		t.Fatalf("remove member: %d %s", res.Status, res.Body)
	}
	if last := untilClosed(t, rd); last != "event: closed" {
		t.Errorf("the removed member's stream ended with %q", last)
	}

	// A signed-out token loses its stream; another user's stream stays open.
	viewerRd := openCampaignStream(t, s, w.viewerA, w.aID)
	adminRd := openCampaignStream(t, s, w.admin, w.aID)
	if res := s.Do("POST", "/api/auth/logout", w.viewerA, nil); res.Status != http.StatusNoContent {
		t.Fatalf("logout: %d", res.Status)
	}
	if last := untilClosed(t, viewerRd); last != "event: closed" {
		t.Errorf("the signed-out stream ended with %q", last)
	}
	s.Do("PUT", "/api/campaigns/"+w.aID, w.admin, map[string]string{"description": "still here"})
	for {
		line, err := adminRd.ReadString('\n')
		if err != nil {
			t.Fatalf("the admin's stream ended: %v", err)
		}
		if strings.HasPrefix(line, "event: activity.created") {
			break
		}
	}
}
