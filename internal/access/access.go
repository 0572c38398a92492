// Package access decides who may see and change a campaign. Its Scope value is the only way
// into campaign-owned data: stores take a Scope, and a Scope is built only here, after the
// caller's right to the campaign has been checked.
package access

import (
	"fmt"

	"github.com/clawops/clawops/internal/derrors"
)

// ErrNotFound is returned for a campaign that does not exist or that the caller may not see;
// the two are deliberately indistinguishable.
var ErrNotFound = fmt.Errorf("access: campaign %w", derrors.NotFound)

// ErrForbidden is returned when the caller may see the campaign but their role may not do
// what they asked.
var ErrForbidden = fmt.Errorf("access: role %w", derrors.Forbidden)

// Role is a per-campaign role. Higher roles include everything lower roles may do.
type Role string

// The campaign roles, from least to most powerful.
const (
	RoleViewer   Role = "viewer"
	RoleOperator Role = "operator"
	RoleOwner    Role = "owner"
)

// ParseRole validates a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleViewer, RoleOperator, RoleOwner:
		return r, nil
	}
	return "", fmt.Errorf("access: unknown role %q", s)
}

func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleOperator:
		return 2
	case RoleOwner:
		return 3
	}
	return 0
}

// AtLeast reports whether r includes the rights of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// Lower returns the less powerful of r and cap; an empty cap leaves r unchanged.
func (r Role) Lower(cap Role) Role {
	if cap == "" || r.rank() <= cap.rank() {
		return r
	}
	return cap
}

// Platform roles.
const (
	PlatformAdmin  = "admin"
	PlatformMember = "member"
)

// Principal is an authenticated caller: a person, possibly acting through a token that is
// bound to one campaign and capped at a role.
type Principal struct {
	UserID       string
	Email        string
	Name         string
	PlatformRole string
	// TokenID is set when the caller presented a bearer token.
	TokenID string
	// TokenCampaignID limits a bound token to one campaign.
	TokenCampaignID string
	// TokenRole caps what a bound token may do.
	TokenRole Role
}

// Capped reports whether the caller acts through a token limited to one campaign or to a role
// below owner. A capped caller never has platform-wide powers, whatever its user has.
func (p Principal) Capped() bool {
	return p.TokenCampaignID != "" || (p.TokenRole != "" && p.TokenRole != RoleOwner)
}

// IsAdmin reports whether the principal is a platform admin acting without a capped token.
func (p Principal) IsAdmin() bool {
	return p.PlatformRole == PlatformAdmin && !p.Capped()
}

// Scope is the permission to act in one campaign with one role. Its zero value grants nothing.
type Scope struct {
	campaignID string
	role       Role
	userID     string
	admin      bool
}

// CampaignID is the campaign every scoped statement filters on.
func (s Scope) CampaignID() string { return s.campaignID }

// Role is the caller's effective role in the campaign.
func (s Scope) Role() Role { return s.role }

// UserID is the acting person, empty for the system.
func (s Scope) UserID() string { return s.userID }

// PlatformAdmin reports whether the scope acts with platform-wide trust: a platform admin
// without a capped token, or the server itself. Only such scopes may configure what runs on
// the host (command and HTTP executors).
func (s Scope) PlatformAdmin() bool { return s.admin }

// Valid reports whether the scope names a campaign.
func (s Scope) Valid() bool { return s.campaignID != "" && s.role != "" }

// Require returns ErrForbidden unless the scope's role includes min.
func (s Scope) Require(min Role) error {
	if !s.role.AtLeast(min) {
		return ErrForbidden
	}
	return nil
}

// System is the scope of the server's own work in a campaign — seeding, scheduling, importing —
// where no person is acting. It must never be built from request input.
func System(campaignID string) Scope {
	return Scope{campaignID: campaignID, role: RoleOwner, admin: true}
}

// Grant computes the scope of principal p in a campaign, given the campaign's id and the
// person's membership role there ("" for none). It returns ErrNotFound when p may not see the
// campaign at all.
func Grant(p Principal, campaignID string, member Role) (Scope, error) {
	if campaignID == "" || p.UserID == "" {
		return Scope{}, ErrNotFound
	}
	if p.TokenCampaignID != "" && p.TokenCampaignID != campaignID {
		return Scope{}, ErrNotFound
	}
	role := member
	if p.PlatformRole == PlatformAdmin {
		role = RoleOwner
	}
	if role == "" {
		return Scope{}, ErrNotFound
	}
	role = role.Lower(p.TokenRole)
	return Scope{campaignID: campaignID, role: role, userID: p.UserID, admin: p.IsAdmin()}, nil
}
