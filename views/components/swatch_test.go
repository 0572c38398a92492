package components

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestColorDot(t *testing.T) {
	tests := []struct {
		name, color, wantFill string
	}{
		{"upper case", "#0EA5E9", "#0EA5E9"},
		{"lower case", "#0ea5e9", "#0ea5e9"},
		{"empty", "", ""},
		{"named colour", "red", ""},
		{"short form", "#fff", ""},
		{"css injection", "#000000;background:url(x)", ""},
		{"attribute breakout", `#fff" onload="alert(1)`, ""},
		{"non-ascii digits", "#１２３４５６", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, doc := mustRender(t, ColorDot(tt.color, "sw-dot", "dot"))
			var fills []string
			var walk func(n *html.Node)
			walk = func(n *html.Node) {
				if n.Type == html.ElementNode && n.Data == "circle" {
					for _, a := range n.Attr {
						if a.Key == "fill" {
							fills = append(fills, a.Val)
						}
					}
				}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					walk(c)
				}
			}
			walk(doc)
			got := strings.Join(fills, ",")
			if got != tt.wantFill {
				t.Errorf("fill %q, want %q", got, tt.wantFill)
			}
			if strings.Contains(raw, "style=") || strings.Contains(raw, "onload") {
				t.Errorf("unsafe markup rendered: %s", raw)
			}
		})
	}
}
