package data

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/activity"
	"github.com/clawops/clawops/internal/database"
	"github.com/clawops/clawops/internal/derrors"
	"github.com/clawops/clawops/internal/event"
)

// Import statuses.
const (
	ImportNeedsMapping = "needs_mapping"
	ImportQueued       = "queued"
	ImportRunning      = "running"
	ImportCompleted    = "completed"
	ImportFailed       = "failed"
)

// Limits of CSV imports.
const (
	// MaxImportBytes is the largest file accepted.
	MaxImportBytes = 64 << 20
	// maxRejectsKept caps the rejected rows kept for the report.
	maxRejectsKept = 10000
	importBatch    = 5000
)

// ErrImportTooLarge is an upload over MaxImportBytes.
var ErrImportTooLarge = errors.New("data: import file too large")

// Import is a CSV import job.
type Import struct {
	ID         string `json:"id"`
	CampaignID string `json:"campaignId"`
	Collection string `json:"collection"`
	Status     string `json:"status"`
	Filename   string `json:"filename"`
	// Headers are the file's column names; Mapping sends each to a field ("" to ignore it).
	Headers []string          `json:"headers"`
	Mapping map[string]string `json:"mapping"`
	// Unmapped are headers no field matched; the job waits for a mapping while there are any.
	Unmapped  []string `json:"unmapped"`
	KeepValid bool     `json:"keepValid"`
	// Phase is the pass a running job is in: "checking" every row, then "storing" the valid
	// ones. Processed counts the rows the current pass has read; TotalRows is known once
	// checking ends.
	Phase     string `json:"phase"`
	TotalRows int    `json:"totalRows"`
	Processed int    `json:"processed"`
	// Percent is how far the job has come over both passes, 0 to 100; it never goes back.
	Percent   int        `json:"percent"`
	Created   int        `json:"created"`
	Skipped   int        `json:"skipped"`
	Rejected  int        `json:"rejected"`
	Error     string     `json:"error"`
	CreatedBy string     `json:"createdBy,omitempty"`
	CreatedAt time.Time  `json:"createdAt"`
	UpdatedAt time.Time  `json:"updatedAt"`
	Finished  *time.Time `json:"finishedAt"`
}

// Done reports whether the job has ended, well or not.
func (im Import) Done() bool { return im.Status == ImportCompleted || im.Status == ImportFailed }

// The import phases, and the share of the progress bar that checking takes: it only parses
// and validates, which is a fraction of the time storing takes.
const (
	PhaseChecking = "checking"
	PhaseStoring  = "storing"
	checkingShare = 20
)

// ImportOptions say how to read an upload.
type ImportOptions struct {
	// Mapping overrides the automatic header matching: header → field name, "" to ignore.
	Mapping map[string]string
	// KeepValid imports the valid rows even when others are rejected; otherwise one rejected
	// row means nothing is imported.
	KeepValid bool
	// Start begins at once when every header is mapped; otherwise the job waits for Begin.
	Start bool
}

func (s *Store) uploadDir() string {
	return filepath.Join(filepath.Dir(s.db.Path()), "imports")
}

func (s *Store) uploadPath(id string) string { return filepath.Join(s.uploadDir(), id+".csv") }

// CreateImport keeps an uploaded CSV file, reads its header and matches it to the
// collection's fields. With opts.Start and every header matched it starts importing; otherwise
// the job waits for BeginImport with a mapping.
func (s *Store) CreateImport(ctx context.Context, sc access.Scope, c *Collection,
	filename string, r io.Reader, opts ImportOptions) (Import, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Import{}, err
	}
	im := Import{ID: database.NewID(), CampaignID: sc.CampaignID(), Collection: c.Path,
		Status: ImportNeedsMapping, Filename: cleanFilename(filename), KeepValid: opts.KeepValid,
		CreatedBy: sc.UserID()}
	path := s.uploadPath(im.ID)
	if err := saveUpload(s.uploadDir(), path, r); err != nil {
		return Import{}, err
	}
	headers, err := readHeader(path)
	if err != nil {
		os.Remove(path)
		return Import{}, derrors.Fields{"file": err.Error()}
	}
	im.Headers = headers
	im.Mapping, im.Unmapped = c.matchHeaders(headers, opts.Mapping)
	if im.Unmapped == nil {
		im.Unmapped = []string{}
	}
	if err := c.checkMapping(im.Mapping); err != nil {
		os.Remove(path)
		return Import{}, err
	}
	if opts.Start && len(im.Unmapped) == 0 {
		im.Status = ImportQueued
	}
	now := s.now().UTC().Truncate(time.Millisecond)
	im.CreatedAt, im.UpdatedAt = now, now
	if err := s.insertImport(ctx, im); err != nil {
		os.Remove(path)
		return Import{}, err
	}
	if im.Status == ImportQueued {
		s.runImport(sc, c, im)
	}
	return im, nil
}

func cleanFilename(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	return name
}

func saveUpload(dir, path string, r io.Reader) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data: import: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("data: import: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, MaxImportBytes+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > MaxImportBytes {
		err = ErrImportTooLarge
	}
	if err != nil {
		os.Remove(path)
		if errors.Is(err, ErrImportTooLarge) {
			return err
		}
		return fmt.Errorf("data: import: save upload: %w", err)
	}
	return nil
}

// openCSV opens a kept upload as CSV, past a UTF-8 byte order mark.
func openCSV(path string) (*csv.Reader, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	return cr, f, nil
}

// readHeader reads and checks the first line of a file.
func readHeader(path string) ([]string, error) {
	cr, f, err := openCSV(path)
	if err != nil {
		return nil, fmt.Errorf("cannot be read")
	}
	defer f.Close()
	h, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("is empty: the first line must name the columns")
	}
	if err != nil {
		return nil, fmt.Errorf("is not valid CSV: %s", csvProblem(err))
	}
	headers := slices.Clone(h)
	seen := map[string]bool{}
	blank := true
	for i, name := range headers {
		if !utf8.ValidString(name) {
			return nil, errors.New("is not UTF-8 text: save it as UTF-8 CSV and upload it again")
		}
		headers[i] = strings.TrimSpace(name)
		if headers[i] != "" {
			blank = false
		}
		key := normHeader(headers[i])
		if key != "" && seen[key] {
			return nil, fmt.Errorf("names the column %q twice", headers[i])
		}
		seen[key] = true
	}
	if blank {
		return nil, errors.New("has no header: the first line must name the columns")
	}
	for _, h := range headers {
		if looksLikeValue(h) {
			return nil, fmt.Errorf("has no header: its first line holds data (%q); add a first "+
				"line that names the columns", h)
		}
	}
	return headers, nil
}

// looksLikeValue tells a cell that no column would be named, such as an email address, a
// web address, a number or a date, from a column name.
func looksLikeValue(cell string) bool {
	if looksLikeEmail(cell) || strings.Contains(cell, "://") {
		return true
	}
	hasDigit := false
	for _, r := range cell {
		switch {
		case unicode.IsDigit(r):
			hasDigit = true
		case unicode.IsLetter(r):
			return false
		}
	}
	return hasDigit
}

func csvProblem(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

// normHeader lets "Email Address", "email_address" and "emailAddress" match one another.
func normHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// ignoredHeaders are the bookkeeping columns of an export, which an import never sets.
var ignoredHeaders = map[string]bool{"id": true, "campaignid": true, "sourcerunid": true,
	"createdat": true, "updatedat": true}

// headerAliases are names that spreadsheets and other tools commonly give to a field; they
// apply only where the collection has that field and no field already answers to the name.
var headerAliases = map[string]string{
	"fullname": "name", "contactname": "name", "emailaddress": "email", "mail": "email",
	"phonenumber": "phone", "telephone": "phone", "tel": "phone", "mobile": "phone",
	"organisation": "company", "organization": "company", "comments": "notes", "note": "notes",
}

// matchHeaders maps every header to a field by name, label or column, case and spacing
// aside; given overrides win. It returns the mapping and the headers nothing matched.
func (c *Collection) matchHeaders(headers []string,
	given map[string]string) (map[string]string, []string) {
	byKey := map[string]string{}
	for _, f := range c.Fields {
		for _, alias := range []string{f.Name, f.Label, f.Column} {
			byKey[normHeader(alias)] = f.Name
		}
	}
	for alias, name := range headerAliases {
		if _, taken := byKey[alias]; !taken {
			if _, ok := c.Field(name); ok {
				byKey[alias] = name
			}
		}
	}
	mapping := map[string]string{}
	var unmapped []string
	for _, h := range headers {
		if field, ok := given[h]; ok {
			mapping[h] = field
			continue
		}
		key := normHeader(h)
		switch field, ok := byKey[key]; {
		case ok:
			mapping[h] = field
		case ignoredHeaders[key] || key == "":
			mapping[h] = ""
		default:
			unmapped = append(unmapped, h)
		}
	}
	return mapping, unmapped
}

// checkMapping refuses mappings to unknown fields or two headers onto one field.
func (c *Collection) checkMapping(m map[string]string) error {
	fs := derrors.Fields{}
	used := map[string]string{}
	for _, h := range slices.Sorted(maps.Keys(m)) {
		field := m[h]
		if field == "" {
			continue
		}
		if _, ok := c.Field(field); !ok {
			fs.Add("mapping."+h, "is not a field of "+c.Path)
			continue
		}
		if other, dup := used[field]; dup {
			fs.Add("mapping."+h, "goes to "+field+", like "+other)
		}
		used[field] = h
	}
	return fs.Err()
}

// BeginImport starts a job that waited for its mapping: the headers it names are mapped
// (to "" to ignore them), and any header still unmatched is refused.
func (s *Store) BeginImport(ctx context.Context, sc access.Scope, id string,
	mapping map[string]string, keepValid bool) (Import, error) {
	if err := sc.Require(access.RoleOperator); err != nil {
		return Import{}, err
	}
	im, err := s.Import(ctx, sc, id)
	if err != nil {
		return Import{}, err
	}
	if im.Status != ImportNeedsMapping {
		return Import{}, fmt.Errorf("data: begin import %s: it is %s: %w", id,
			strings.ReplaceAll(im.Status, "_", " "), derrors.Conflict)
	}
	c, _ := ByPath(im.Collection)
	for h, field := range mapping {
		if !slices.Contains(im.Headers, h) {
			return Import{}, derrors.Fields{"mapping." + h: "is not a column of the file"}
		}
		im.Mapping[h] = field
	}
	im.Unmapped = slices.DeleteFunc(im.Unmapped, func(h string) bool {
		_, ok := mapping[h]
		return ok
	})
	if len(im.Unmapped) > 0 {
		fs := derrors.Fields{}
		for _, h := range im.Unmapped {
			fs.Add("mapping."+h, "needs a field, or \"\" to ignore the column")
		}
		return Import{}, fs
	}
	if err := c.checkMapping(im.Mapping); err != nil {
		return Import{}, err
	}
	im.KeepValid, im.Status = keepValid, ImportQueued
	if err := s.saveImport(ctx, im); err != nil {
		return Import{}, err
	}
	s.runImport(sc, c, im)
	return im, nil
}

// runImport reads the file in the background. The job outlives the request that started it.
func (s *Store) runImport(sc access.Scope, c *Collection, im Import) {
	s.jobs.Add(1)
	go func() {
		defer s.jobs.Done()
		ctx := context.Background()
		if err := s.importFile(ctx, sc, c, &im); err != nil {
			im.Status, im.Error = ImportFailed, importProblem(err)
			slog.Warn("Import failed", "import_id", im.ID, "campaign_id", im.CampaignID,
				"collection", c.Path, "err", err)
			if err := s.importFailed(ctx, sc, c, im); err != nil {
				slog.Error("Recording a failed import in the feed failed", "import_id", im.ID,
					"err", err)
			}
		}
		now := s.now().UTC().Truncate(time.Millisecond)
		im.Finished = &now
		if err := s.saveImport(ctx, im); err != nil {
			slog.Error("Saving the end of an import failed", "import_id", im.ID, "err", err)
		}
		os.Remove(s.uploadPath(im.ID))
	}()
}

// WaitImports blocks until every running import has ended.
func (s *Store) WaitImports() { s.jobs.Wait() }

// importError is a problem with the file itself, shown to the person as it is.
type importError struct{ msg string }

func (e importError) Error() string { return e.msg }

func importProblem(err error) string {
	var ie importError
	if errors.As(err, &ie) {
		return ie.msg
	}
	return "the import stopped on an internal error; nothing after the last saved batch was kept"
}

// importFile validates every row, then stores the valid ones in batches, counting progress.
// Unless the job keeps valid rows, one rejected row means nothing is stored.
func (s *Store) importFile(ctx context.Context, sc access.Scope, c *Collection, im *Import) error {
	im.Status, im.Phase = ImportRunning, PhaseChecking
	if err := s.saveImport(ctx, *im); err != nil {
		return err
	}
	if err := s.readRows(ctx, sc, c, im, false); err != nil {
		return err
	}
	if im.Rejected > 0 && !im.KeepValid {
		return importError{fmt.Sprintf("%d of %d rows were rejected, so nothing was "+
			"imported: fix them, or import again keeping the valid rows", im.Rejected,
			im.TotalRows)}
	}
	im.Processed, im.Phase = 0, PhaseStoring
	if err := s.readRows(ctx, sc, c, im, true); err != nil {
		return err
	}
	im.Status, im.Phase, im.Percent = ImportCompleted, "", 100
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		s.changed(tx, sc, c, "imported", "")
		return s.recordActivity(ctx, tx, sc, c, activity.Entry{
			Type:     activity.ImportCompleted,
			Severity: activity.Success,
			Title: fmt.Sprintf("%s imported from %s", plural(im.Created, c.Singular),
				cmpName(im.Filename)),
			Detail: fmt.Sprintf("%s read, %s skipped, %d rejected.",
				plural(im.TotalRows, "row"), plural(im.Skipped, "duplicate"), im.Rejected),
		})
	})
}

// importFailed tells the feed that an import ended without storing its file.
func (s *Store) importFailed(ctx context.Context, sc access.Scope, c *Collection,
	im Import) error {
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		s.changed(tx, sc, c, "imported", "")
		return s.recordActivity(ctx, tx, sc, c, activity.Entry{
			Type:     activity.ImportFailed,
			Severity: activity.Error,
			Title:    fmt.Sprintf("Import of %s into %s failed", cmpName(im.Filename), c.Title),
			Detail:   im.Error,
		})
	})
}

func cmpName(name string) string {
	if name == "" {
		return "a CSV file"
	}
	return name
}

// readRows reads the file once. Without store it only validates, counting the rows and
// recording the rejected ones; with store it writes the valid rows in batches.
func (s *Store) readRows(ctx context.Context, sc access.Scope, c *Collection, im *Import,
	store bool) error {
	cr, f, err := openCSV(s.uploadPath(im.ID))
	if err != nil {
		return fmt.Errorf("data: import %s: %w", im.ID, err)
	}
	defer f.Close()
	if _, err := cr.Read(); err != nil {
		return importError{"the header can no longer be read"}
	}
	if store {
		return s.storeRows(ctx, sc, c, im, cr)
	}
	size := int64(1)
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		size = st.Size()
	}
	im.TotalRows, im.Rejected, im.Phase = 0, 0, PhaseChecking
	var rejects []reject
	flush := func() error {
		if err := s.saveRejects(ctx, im, rejects); err != nil {
			return err
		}
		rejects = rejects[:0]
		im.Percent = max(im.Percent, int(min(cr.InputOffset(), size)*checkingShare/size))
		return s.progress(ctx, sc, *im)
	}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return importError{"the file is not valid CSV at " + csvProblem(err)}
		}
		// The line a row starts on, which quoted line breaks can push past the row count.
		line, _ := cr.FieldPos(0)
		im.TotalRows++
		im.Processed++
		if _, problem := c.importRow(im, row); problem != "" {
			im.Rejected++
			if im.Rejected <= maxRejectsKept {
				rejects = append(rejects, reject{line: line, reason: problem,
					cells: slices.Clone(row)})
			}
		}
		if im.Processed%importBatch == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// storeRows is the pass that stores the valid rows, in batches. A reader parses the next
// batch while the last one is written, so the two halves of the work share the cores.
func (s *Store) storeRows(ctx context.Context, sc access.Scope, c *Collection, im *Import,
	cr *csv.Reader) error {
	type batch struct {
		vals []Values
		rows int // rows read, valid or not
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan batch, 1)
	readErr := make(chan error, 1)
	// The reader goroutine only reads im's headers and mapping, which nothing changes now.
	go func() {
		defer close(batches)
		var b batch
		send := func() bool {
			select {
			case batches <- b:
				b = batch{}
				return true
			case <-ctx.Done():
				return false
			}
		}
		for {
			row, err := cr.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				readErr <- importError{"the file is not valid CSV at " + csvProblem(err)}
				return
			}
			b.rows++
			if vals, problem := c.importRow(im, row); problem == "" {
				b.vals = append(b.vals, vals)
			}
			if b.rows == importBatch && !send() {
				readErr <- ctx.Err()
				return
			}
		}
		if b.rows > 0 && !send() {
			readErr <- ctx.Err()
			return
		}
		readErr <- nil
	}()
	fail := func(err error) error {
		cancel()
		for range batches {
		}
		return err
	}
	for b := range batches {
		if len(b.vals) > 0 {
			res, err := s.insertMany(ctx, sc, c, b.vals, "", true)
			if err != nil {
				return fail(err)
			}
			im.Created += res.Created
			im.Skipped += res.Skipped
		}
		im.Processed += b.rows
		if im.TotalRows > 0 {
			im.Percent = checkingShare + min(im.Processed, im.TotalRows)*
				(100-checkingShare)/im.TotalRows
		}
		if err := s.progress(ctx, sc, *im); err != nil {
			return fail(err)
		}
	}
	return <-readErr
}

// importRow turns one CSV row into a record's values, or says why it cannot.
func (c *Collection) importRow(im *Import, row []string) (Values, string) {
	if len(row) != len(im.Headers) {
		return nil, fmt.Sprintf("has %d cells where the header has %d", len(row), len(im.Headers))
	}
	in := map[string]string{}
	for i, h := range im.Headers {
		field := im.Mapping[h]
		if field == "" {
			continue
		}
		cell := row[i]
		if !utf8.ValidString(cell) {
			return nil, "is not UTF-8 text"
		}
		in[field] = restoreFormula(cell)
	}
	fs := derrors.Fields{}
	vals := c.parse(in, true, fs, "")
	if len(fs) > 0 {
		return nil, fs.Error()[len("invalid input: "):]
	}
	return vals, ""
}

type reject struct {
	line   int
	reason string
	cells  []string
}

func (s *Store) saveRejects(ctx context.Context, im *Import, rejects []reject) error {
	if len(rejects) == 0 {
		return nil
	}
	return s.db.Tx(ctx, func(tx *database.Tx) error {
		for _, r := range rejects {
			cells, _ := json.Marshal(r.cells)
			_, err := tx.ExecContext(ctx, `
				INSERT INTO import_rejects (import_id, campaign_id, line, reason, cells)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (import_id, line) DO NOTHING`,
				im.ID, im.CampaignID, r.line, r.reason, string(cells))
			if err != nil {
				return fmt.Errorf("data: import %s: save rejects: %w", im.ID, err)
			}
		}
		return nil
	})
}

// progress saves the job's counters and tells the campaign's listeners.
func (s *Store) progress(ctx context.Context, sc access.Scope, im Import) error {
	if err := s.saveImport(ctx, im); err != nil {
		return err
	}
	if s.broker != nil {
		s.broker.Publish(event.Event{Type: "import.progress", CampaignID: sc.CampaignID(),
			Data: im})
	}
	return nil
}

func (s *Store) insertImport(ctx context.Context, im Import) error {
	headers, _ := json.Marshal(im.Headers)
	mapping, _ := json.Marshal(im.Mapping)
	err := s.db.Tx(ctx, func(tx *database.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO imports (id, campaign_id, collection, status, filename, headers, mapping,
				keep_valid, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			im.ID, im.CampaignID, im.Collection, im.Status, im.Filename, string(headers),
			string(mapping), im.KeepValid, database.NullString(im.CreatedBy),
			database.FormatTime(im.CreatedAt), database.FormatTime(im.UpdatedAt))
		return err
	})
	if err != nil {
		return fmt.Errorf("data: create import: %w", err)
	}
	return nil
}

func (s *Store) saveImport(ctx context.Context, im Import) error {
	mapping, _ := json.Marshal(im.Mapping)
	_, err := s.db.Exec(ctx, `
		UPDATE imports SET status = ?, mapping = ?, keep_valid = ?, phase = ?, total_rows = ?,
			processed = ?, percent = ?, created = ?, skipped = ?, rejected = ?, error = ?,
			updated_at = ?, finished_at = ?
		WHERE campaign_id = ? AND id = ?`,
		im.Status, string(mapping), im.KeepValid, im.Phase, im.TotalRows, im.Processed,
		im.Percent, im.Created,
		im.Skipped, im.Rejected, im.Error, database.FormatTime(s.now()),
		database.NullableTime(im.Finished), im.CampaignID, im.ID)
	if err != nil {
		return fmt.Errorf("data: save import %s: %w", im.ID, err)
	}
	return nil
}

// ImportCampaign returns the campaign an import belongs to, so that the caller's access to it
// can be checked before anything else is read.
func (s *Store) ImportCampaign(ctx context.Context, id string) (string, error) {
	var campaignID string
	err := s.db.R.QueryRowContext(ctx, `SELECT campaign_id FROM imports WHERE id = ?`, id).
		Scan(&campaignID)
	if database.IsNoRows(err) {
		return "", fmt.Errorf("data: import %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("data: import %s: %w", id, err)
	}
	return campaignID, nil
}

// Import returns one import job of the scope's campaign.
func (s *Store) Import(ctx context.Context, sc access.Scope, id string) (Import, error) {
	var im Import
	var headers, mapping string
	err := s.db.R.QueryRowContext(ctx, `
		SELECT id, campaign_id, collection, status, filename, headers, mapping, keep_valid,
			phase, total_rows, processed, percent, created, skipped, rejected, error,
			COALESCE(created_by, ''),
			created_at, updated_at, finished_at
		FROM imports WHERE campaign_id = ? AND id = ?`, sc.CampaignID(), id).Scan(
		&im.ID, &im.CampaignID, &im.Collection, &im.Status, &im.Filename, &headers, &mapping,
		&im.KeepValid, &im.Phase, &im.TotalRows, &im.Processed, &im.Percent, &im.Created,
		&im.Skipped, &im.Rejected,
		&im.Error, &im.CreatedBy, database.Time(&im.CreatedAt), database.Time(&im.UpdatedAt),
		database.NullTime(&im.Finished))
	if database.IsNoRows(err) {
		return Import{}, fmt.Errorf("data: import %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Import{}, fmt.Errorf("data: import %s: %w", id, err)
	}
	if err := json.Unmarshal([]byte(headers), &im.Headers); err != nil {
		return Import{}, fmt.Errorf("data: import %s headers: %w", id, err)
	}
	if err := json.Unmarshal([]byte(mapping), &im.Mapping); err != nil {
		return Import{}, fmt.Errorf("data: import %s mapping: %w", id, err)
	}
	im.Unmapped = []string{}
	for _, h := range im.Headers {
		if _, ok := im.Mapping[h]; !ok {
			im.Unmapped = append(im.Unmapped, h)
		}
	}
	return im, nil
}

// ExportRejects writes the rejected rows of an import as CSV: the line, the reason and the
// row as it was.
func (s *Store) ExportRejects(ctx context.Context, sc access.Scope, id string, w io.Writer) error {
	im, err := s.Import(ctx, sc, id)
	if err != nil {
		return err
	}
	rows, err := s.db.R.QueryContext(ctx, `
		SELECT line, reason, cells FROM import_rejects
		WHERE campaign_id = ? AND import_id = ? ORDER BY line`, sc.CampaignID(), id)
	if err != nil {
		return fmt.Errorf("data: import %s rejects: %w", id, err)
	}
	defer rows.Close()
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"line", "reason"}, im.Headers...))
	for rows.Next() {
		var line int
		var reason, cells string
		if err := rows.Scan(&line, &reason, &cells); err != nil {
			return fmt.Errorf("data: import %s rejects: %w", id, err)
		}
		var row []string
		json.Unmarshal([]byte(cells), &row)
		for i := range row {
			row[i] = defuseFormula(row[i])
		}
		cw.Write(append([]string{fmt.Sprint(line), reason}, row...))
	}
	cw.Flush()
	if err := errors.Join(rows.Err(), cw.Error()); err != nil {
		return fmt.Errorf("data: import %s rejects: %w", id, err)
	}
	return nil
}

// FailInterrupted marks imports that a stopped server left unfinished as failed, so that
// nobody waits for them, and removes their files. Jobs waiting for a mapping keep theirs.
func (s *Store) FailInterrupted(ctx context.Context) error {
	rows, err := s.db.R.QueryContext(ctx,
		`SELECT id FROM imports WHERE status IN ('queued', 'running')`)
	if err != nil {
		return fmt.Errorf("data: fail interrupted imports: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("data: fail interrupted imports: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for _, id := range ids {
		os.Remove(s.uploadPath(id))
	}
	_, err = s.db.Exec(ctx, `
		UPDATE imports SET status = 'failed', updated_at = ?, finished_at = ?,
			error = 'the server stopped during the import; rows of the saved batches were kept'
		WHERE status IN ('queued', 'running')`,
		database.FormatTime(s.now()), database.FormatTime(s.now()))
	if err != nil {
		return fmt.Errorf("data: fail interrupted imports: %w", err)
	}
	return nil
}
