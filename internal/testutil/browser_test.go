package testutil

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"
)

const clickPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>click</title></head>
<body>
<button id="toggle" type="button" onclick="this.textContent = 'Clicked'">Click me</button>
</body>
</html>`

func TestBrowserClicksButton(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(clickPage))
	}))
	t.Cleanup(srv.Close)

	ctx := Browser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL),
		chromedp.Click(chromedp.ID("toggle")),
	)
	if err != nil {
		t.Fatalf("navigate and click: %v", err)
	}
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("toggle")))
	if err != nil {
		t.Fatalf("read button text: %v", err)
	}
	if got != "Clicked" {
		t.Errorf("button text after click = %q, want %q", got, "Clicked")
	}
}
