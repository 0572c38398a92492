package legacy

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/clawops/clawops/internal/access"
	"github.com/clawops/clawops/internal/auth"
	"github.com/clawops/clawops/internal/database"
)

// maxUserName is the longest display name, as the auth package keeps it.
const maxUserName = 100

// viewer is a source viewer, who may view every imported campaign.
type viewer struct{ id, email string }

// importUsers brings the source's users over with their bcrypt hashes, which sign-in accepts
// and then replaces with argon2id. An admin becomes a platform admin; a viewer becomes a member
// with the viewer role in every imported campaign. A user whose email is here already keeps
// this system's account.
func (r *run) importUsers(ctx context.Context) error {
	var viewers []viewer
	write := func(ctx context.Context, tx *database.Tx, rw row, _ *scope,
		is *issues) (string, string, error) {
		outcome, id, isViewer, err := r.writeUser(ctx, tx, rw, is)
		if isViewer && outcome == Imported {
			viewers = append(viewers, viewer{id: id, email: rw.text("email")})
		}
		return outcome, id, err
	}
	known := func(ctx context.Context, tx *database.Tx, rw row, _ *scope, id string) error {
		r.users[rw.id()] = id
		imported, err := r.wasImported(ctx, tx, "users", rw.id())
		if imported && sourceRole(rw) != access.PlatformAdmin {
			viewers = append(viewers, viewer{id: id, email: rw.text("email")})
		}
		return err
	}
	err := r.importTable(ctx, tableSpec{table: "users", target: "users", known: known,
		write: write})
	if err != nil {
		return err
	}
	return r.grantViewers(ctx, viewers)
}

func (r *run) writeUser(ctx context.Context, tx *database.Tx, rw row,
	is *issues) (string, string, bool, error) {
	email := rw.text("email")
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		is.add("email %q is not an address", email)
		return Skipped, "", false, nil
	}
	var existing string
	err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE lower(email) = lower(?)`,
		email).Scan(&existing)
	if err == nil {
		r.users[rw.id()] = existing
		r.note("%s already had an account here and kept it: the original's password and "+
			"role were not carried over.", email)
		return Merged, existing, false, nil
	}
	if !database.IsNoRows(err) {
		return "", "", false, fmt.Errorf("user %s: %w", email, err)
	}
	id, err := r.insertUser(ctx, tx, rw, email, is)
	if err != nil {
		return "", "", false, err
	}
	r.users[rw.id()] = id
	return Imported, id, sourceRole(rw) != access.PlatformAdmin, nil
}

func (r *run) insertUser(ctx context.Context, tx *database.Tx, rw row, email string,
	is *issues) (string, error) {
	id, err := newID(ctx, tx, "users", rw)
	if err != nil {
		return "", err
	}
	hash, err := passwordHash(ctx, rw.text("password"), is)
	if err != nil {
		return "", err
	}
	role := sourceRole(rw)
	if v := strings.ToLower(rw.text("role")); v != "admin" && v != "viewer" {
		is.add("role %q is not admin or viewer; made a viewer", v)
	}
	created := stampField(rw, is, "created_at", r.now, "created_at")
	updated := stampField(rw, is, "updated_at", created, "updated_at")
	name := limit(clean(rw.text("name"), false), maxUserName, is, "name")
	_, err = tx.ExecContext(ctx, `
		INSERT INTO users (id, email, name, password_hash, role, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, email, name, hash, role, database.FormatTime(created), database.FormatTime(updated))
	if err != nil {
		return "", fmt.Errorf("insert user %s: %w", email, err)
	}
	return id, nil
}

// sourceRole is the platform role of a source user: only the original's admins are admins;
// viewers, and roles the original never had, are members.
func sourceRole(rw row) string {
	if strings.EqualFold(rw.text("role"), "admin") {
		return access.PlatformAdmin
	}
	return access.PlatformMember
}

// passwordHash carries a bcrypt or argon2id hash over as it is. Any other value cannot be
// checked at sign-in, so the user gets a random password an admin must replace.
func passwordHash(ctx context.Context, hash string, is *issues) (string, error) {
	for _, prefix := range []string{"$2a$", "$2b$", "$2y$", "$argon2id$"} {
		if strings.HasPrefix(hash, prefix) {
			return hash, nil
		}
	}
	is.add("password is not a bcrypt hash; a random one was set, to be replaced by an admin")
	h, err := auth.HashPassword(ctx, auth.GeneratePassword())
	if err != nil {
		return "", fmt.Errorf("random password: %w", err)
	}
	return h, nil
}

// grantViewers makes each viewer a viewer of every campaign the source's rows go to: those
// its campaigns went to, and the default campaign, which takes the rows without one.
func (r *run) grantViewers(ctx context.Context, viewers []viewer) error {
	ids := map[string]bool{r.def.id: true}
	for _, c := range r.campaigns {
		ids[c.id] = true
	}
	now := database.FormatTime(r.now)
	for _, v := range viewers {
		n := 0
		err := r.db.Tx(ctx, func(tx *database.Tx) error {
			for id := range ids {
				res, err := tx.ExecContext(ctx, `
					INSERT INTO campaign_members (campaign_id, user_id, role, created_at,
						updated_at)
					VALUES (?, ?, 'viewer', ?, ?)
					ON CONFLICT (campaign_id, user_id) DO NOTHING`, id, v.id, now, now)
				if err != nil {
					return fmt.Errorf("legacy: make %s a viewer of %s: %w", v.email, id, err)
				}
				added, _ := res.RowsAffected()
				n += int(added)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n > 0 {
			r.note("%s became a viewer of %d imported campaigns.", v.email, n)
		}
	}
	return nil
}

// wasImported reports whether an earlier import created the row, rather than merging it
// into one that was here.
func (r *run) wasImported(ctx context.Context, q querier, table, id string) (bool, error) {
	var outcome string
	err := q.QueryRowContext(ctx, `
		SELECT outcome FROM legacy_import_rows
		WHERE installation = ? AND source_table = ? AND source_id = ?`,
		r.report.Installation, table, id).Scan(&outcome)
	if err != nil {
		return false, fmt.Errorf("legacy: import record of %s %s: %w", table, id, err)
	}
	return outcome == Imported, nil
}
