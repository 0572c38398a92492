package auth

import (
	"context"
	"fmt"
	"strconv"

	"github.com/clawops/clawops/internal/database"
)

// Setting names.
const (
	// SettingRequireAdminTwoFactor makes platform admins sign in with a second factor; one
	// without it is sent to enrol before anything else.
	SettingRequireAdminTwoFactor = "require_admin_two_factor"
)

// allSettings reads every setting; the cache serves it until one changes.
func (s *Store) allSettings(ctx context.Context) (map[string]string, error) {
	return s.settings.Get("", func() (map[string]string, error) {
		rows, err := s.db.R.QueryContext(ctx, `SELECT key, value FROM settings`)
		if err != nil {
			return nil, fmt.Errorf("auth: settings: %w", err)
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var k, v string
			if err := rows.Scan(&k, &v); err != nil {
				return nil, fmt.Errorf("auth: settings: %w", err)
			}
			out[k] = v
		}
		return out, rows.Err()
	})
}

// RequireAdminTwoFactor reports whether platform admins must use two-factor sign-in.
func (s *Store) RequireAdminTwoFactor(ctx context.Context) (bool, error) {
	all, err := s.allSettings(ctx)
	if err != nil {
		return false, err
	}
	on, _ := strconv.ParseBool(all[SettingRequireAdminTwoFactor])
	return on, nil
}

// SetRequireAdminTwoFactor turns the requirement on or off.
func (s *Store) SetRequireAdminTwoFactor(ctx context.Context, on bool) error {
	now := database.FormatTime(s.now())
	_, err := s.db.Exec(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		SettingRequireAdminTwoFactor, strconv.FormatBool(on), now)
	if err != nil {
		return fmt.Errorf("auth: set %s: %w", SettingRequireAdminTwoFactor, err)
	}
	return nil
}
