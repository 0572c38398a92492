package components

// SwatchFill returns color when it is written exactly as #RRGGBB, and "" otherwise, so that
// nothing but a plain colour ever reaches a fill attribute.
func SwatchFill(color string) string {
	if len(color) != 7 || color[0] != '#' {
		return ""
	}
	for _, c := range []byte(color[1:]) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return ""
		}
	}
	return color
}
