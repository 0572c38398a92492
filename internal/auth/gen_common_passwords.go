//go:build ignore

// This program writes common_passwords.txt: passwords long enough to pass the length rule
// that people still pick because they follow a pattern — a popular word or name with a year
// or a run of digits, a word said twice, a keyboard walk, a digit run. The words below are a
// hand-made list of what such passwords are built from. Run it with go generate.
package main

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode/utf8"
)

// minLen matches auth.MinPasswordLen: shorter entries could never be chosen anyway.
const minLen = 12

// words are the stems of common passwords: the word "password" and its variants, greetings,
// sports, teams, pets, names, places, brands, feelings and the product's own name.
var words = strings.Fields(`
	password passw0rd passwd pass letmein welcome welcome1 admin administrator login
	master secret default changeme guest user test testing temp access private system root
	qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm qazwsx 1qaz2wsx zaq12wsx 1q2w3e4r abc abcdef
	abcdefgh iloveyou iloveu loveyou lovely love trustno1 whatever freedom monkey dragon
	shadow sunshine princess football baseball basketball soccer hockey golf tennis
	superman batman spiderman starwars pokemon minecraft fortnite matrix ninja pirate
	mustang ferrari corvette porsche harley yamaha honda toyota
	yankees cowboys eagles lakers liverpool arsenal chelsea barcelona realmadrid
	michael jennifer jessica ashley daniel charlie thomas jordan hunter ranger buster
	tigger ginger pepper cookie maggie bailey buddy max molly rocky lucky daisy
	robert david james john william richard joseph christopher matthew andrew joshua
	anthony nicole michelle amanda melissa sarah stephanie elizabeth heather samantha
	chocolate butterfly purple orange yellow banana apple cheese coffee flower
	summer winter spring autumn monday friday sunday january december
	computer internet company business office manager support service network server
	database oracle linux windows microsoft google facebook twitter instagram linkedin
	youtube amazon netflix samsung iphone android
	hello goodbye angel baby babygirl sweetheart honey darling family friends forever
	blessed jesus faith heaven lucky happy smile sunflower rainbow unicorn
	tiger lion bear wolf eagle falcon phoenix dolphin panther cobra viper
	thunder lightning storm fire ocean river mountain forest garden house home
	money cash gold silver diamond king queen prince princess boss legend hero warrior
	soldier captain doctor teacher student school college music guitar piano dance movie
	game gamer player poker casino bitcoin crypto killer hacker
	london paris newyork chicago boston dallas miami florida texas california america
	canada australia germany england france mexico
	clawops openclaw hoa campaign marketing sales leads agent operator viewer owner
`)

// pairWords are combined two at a time: short passphrases made of the most common words.
var pairWords = strings.Fields(`
	love you my the big little happy sweet red blue green black white dark super
	magic hot cool crazy lucky secret golden silver baby angel dragon tiger monkey
	shadow sunshine summer winter star moon sun sky fire ice water rock soul heart
	life live money power king queen boss man girl boy dog cat pass word welcome
	hello friend family forever always never again home house apple coffee
`)

// suffixes follow a word: digit runs, years and the punctuation composition rules taught.
func suffixes() []string {
	out := []string{"", "!", "!!", "1", "12", "123", "1234", "12345", "123456", "1234567",
		"12345678", "123456789", "1234567890", "0", "00", "000", "01", "007", "69", "99",
		"111", "1111", "123!", "1!", "@123", "#1", "2", "22", "321", "4321", "54321",
		"654321", "987654321", "11", "777", "666", "101", "13", "23", "24", "88"}
	for y := 1970; y <= 2030; y++ {
		out = append(out, fmt.Sprint(y))
		if y >= 2010 {
			out = append(out, fmt.Sprintf("%d!", y))
		}
	}
	return out
}

// prefixes go before a word, followed by one of the short suffixes.
var prefixes = []string{"my", "the", "i love", "ilove", "super"}

var shortSuffixes = []string{"", "1", "123", "1234", "12345", "!"}

// walks are keyboard and digit runs of at least twelve characters.
func walks() []string {
	out := []string{"qwertyuiopasdf", "qwertyuiop123", "qwertyuiop1234", "asdfghjkl123",
		"asdfghjkl1234", "zxcvbnm12345", "1qaz2wsx3edc", "1qaz2wsx3edc4rfv", "zaq12wsx3edc",
		"qazwsxedcrfv", "qazwsxedcrfvtgb", "1q2w3e4r5t6y", "1q2w3e4r5t6y7u8i", "q1w2e3r4t5y6",
		"!qaz2wsx#edc", "abcdefghijkl", "abcdefghijklmnop", "abcdefghijklmnopqrstuvwxyz",
		"abc123abc123", "aaaaaaaaaaaa", "qwertyqwerty", "asdfasdfasdf", "a1b2c3d4e5f6",
		"abcd1234abcd", "abcd12345678", "password1234", "passwordpassword"}
	digits := "0123456789"
	for n := minLen; n <= 20; n++ {
		for d := range digits {
			out = append(out, strings.Repeat(string(digits[d]), n))
		}
		var up, down strings.Builder
		for i := range n {
			up.WriteByte(digits[(i+1)%10])
			down.WriteByte(digits[(9-i%10+10)%10])
		}
		out = append(out, up.String(), down.String())
	}
	for _, block := range []string{"12", "123", "1234", "123456", "12345", "69", "01", "007"} {
		out = append(out, strings.Repeat(block, (minLen+len(block)-1)/len(block)))
	}
	return out
}

func main() {
	seen := map[string]bool{}
	add := func(s string) {
		s = strings.ToLower(s)
		if utf8.RuneCountInString(s) >= minLen && len(s) <= 64 {
			seen[s] = true
		}
	}
	for _, w := range words {
		for _, s := range suffixes() {
			add(w + s)
		}
		for _, p := range prefixes {
			for _, s := range shortSuffixes {
				add(p + w + s)
			}
		}
		add(w + w)
		add(w + w + "1")
		add(w + w + "123")
		add(w + " " + w)
	}
	for _, a := range pairWords {
		for _, b := range pairWords {
			if a != b {
				add(a + b + "123")
				add(a + b + "1234")
			}
		}
	}
	for _, w := range walks() {
		add(w)
		add(w + "!")
	}

	list := make([]string, 0, len(seen))
	for s := range seen {
		list = append(list, s)
	}
	slices.Sort(list)
	f, err := os.Create("common_passwords.txt")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	w := bufio.NewWriter(f)
	for _, s := range list {
		fmt.Fprintln(w, s)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("common_passwords.txt: %d entries\n", len(list))
}
