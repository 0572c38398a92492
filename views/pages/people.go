package pages

import (
	"github.com/a-h/templ"

	"github.com/clawops/clawops/views/layout"
)

// Addresses of the pages about people and their access.
const (
	UsersPath    = "/admin/users"
	TokensPath   = "/admin/tokens"
	AccountPath  = "/account"
	MyTokensPath = "/account/tokens"
)

// Element ids that htmx swaps on the people pages.
const (
	UsersListID  = "users-list"
	UserCreateID = "user-create"
	UserMainID   = "user-main"
	TokensMainID = "tokens-main"
	AccountID    = "account"
	MembersID    = "members"
)

// PlatformRoles are the roles a person has across the installation.
var PlatformRoles = []string{"member", "admin"}

// CampaignRoles are the roles of a campaign's members, from most to least powerful.
var CampaignRoles = []string{"owner", "operator", "viewer"}

// UsersPage lists every person for admins, with the form that adds one and the sign-in rule
// for admins.
type UsersPage struct {
	Shell  layout.Shell
	List   UsersList
	Create UserCreate
	// RequireAdminTwoFactor is the setting that makes admins use two-factor sign-in.
	RequireAdminTwoFactor bool
	SettingAction         templ.SafeURL
	CSRFToken             string
}

// UsersList is the table of people.
type UsersList struct {
	Rows []UserRow
	// OOB marks the list for an out-of-band swap beside another fragment.
	OOB bool
}

// UserRow is one person in the list or at the top of their page.
type UserRow struct {
	ID, Email, Name, Role string
	LastSignIn            string
	Disabled, TwoFactor   bool
	// Self is the admin looking at the page.
	Self bool
	URL  templ.SafeURL
}

// UserCreate is the form that adds a person, and the outcome of the last addition.
type UserCreate struct {
	Action            templ.SafeURL
	Email, Name, Role string
	Errors            map[string]string
	CSRFToken         string
	Created           *CreatedUser
}

// CreatedUser is a person just added. Password is set when it was generated, and is shown
// this once.
type CreatedUser struct {
	Email, Password string
	URL             templ.SafeURL
}

// UserPage is one person for admins: their name and role, a password reset, turning their
// two-factor sign-in off, disabling and enabling.
type UserPage struct {
	Shell layout.Shell
	User  UserRow
	Form  UserEditForm
	// NewPassword is a password just generated for them, shown this once.
	NewPassword string
	// Campaigns are their memberships.
	Campaigns                                         []UserMembership
	DisableAction, EnableAction, ResetTwoFactorAction templ.SafeURL
	CSRFToken                                         string
}

// UserMembership is a person's role in one campaign.
type UserMembership struct {
	Campaign, Role string
	URL            templ.SafeURL
}

// UserEditForm edits a person's name and role and resets their password.
type UserEditForm struct {
	Action     templ.SafeURL
	Name, Role string
	// Password is "keep", "generate" or "set"; NewPassword goes with "set".
	Password  string
	Errors    map[string]string
	CSRFToken string
	// Self keeps admins from taking their own admin role away.
	Self bool
}

// TokensPage lists API tokens and creates them: a person's own on their account, or every
// person's for admins.
type TokensPage struct {
	Shell layout.Shell
	Main  TokensMain
}

// TokensMain is the part of the tokens page htmx swaps.
type TokensMain struct {
	Title string
	// All is the admins' view of every person's tokens.
	All       bool
	Rows      []TokenRow
	Form      TokenForm
	Created   *CreatedToken
	CSRFToken string
	// OtherURL leads between the admins' and the personal list.
	OtherURL, OtherLabel string
}

// TokenRow is one token as listed. Status is "active", "expired" or "revoked".
type TokenRow struct {
	ID, Name, Owner, Campaign, Role string
	Created, Expires, LastUsed      string
	Status                          string
	RevokeAction                    templ.SafeURL
}

// TokenForm creates a token.
type TokenForm struct {
	Action                       templ.SafeURL
	Name, Campaign, Role, Expiry string
	Campaigns, Roles, Expiries   []Option
	Errors                       map[string]string
	CSRFToken                    string
}

// CreatedToken is a token just made; its secret is shown this once.
type CreatedToken struct {
	Name, Secret string
}

// AccountPage is a person's own account: their sessions, their password and two-factor
// sign-in.
type AccountPage struct {
	Shell layout.Shell
	Main  AccountMain
}

// AccountMain is the part of the account page htmx swaps.
type AccountMain struct {
	Name, Email, Role string
	// EnrolRequired says the person was sent here to turn two-factor sign-in on first.
	EnrolRequired bool
	Sessions      []SessionRow
	// LoginTokens counts sign-ins through the API that still work.
	LoginTokens int
	// EndAction signs one session out, named in the form; EndAllAction signs out
	// everywhere.
	EndAction, EndAllAction templ.SafeURL
	Password                PasswordForm
	TwoFactor               TwoFactorPanel
	TokensURL               templ.SafeURL
	CSRFToken               string
}

// SessionRow is one browser session of the person.
type SessionRow struct {
	ID, Started, LastSeen, IP, Device, UserAgent string
	Current                                      bool
}

// PasswordForm changes the person's password.
type PasswordForm struct {
	Action templ.SafeURL
	Errors map[string]string
}

// TwoFactorPanel is two-factor sign-in on the account page: off, being set up, or on.
type TwoFactorPanel struct {
	On bool
	// Required means admins must keep it on.
	Required     bool
	RecoveryLeft int
	// Setup is an enrolment waiting for its first code.
	Setup *TwoFactorSetupView
	// RecoveryCodes were just made and are shown this once.
	RecoveryCodes                                          []string
	Error                                                  string
	StartAction, ConfirmAction, DisableAction, CodesAction templ.SafeURL
}

// TwoFactorSetupView is what an authenticator app needs: the secret to type in, or the
// otpauth link.
type TwoFactorSetupView struct {
	Secret, URI string
}

// MembersSection is a campaign's members on its settings page; owners and admins manage them.
type MembersSection struct {
	Rows      []MemberRow
	CanManage bool
	AddAction templ.SafeURL
	// Email and Role refill the add form after a refusal.
	Email, Role string
	Errors      map[string]string
	CSRFToken   string
}

// MemberRow is one member and the actions on them.
type MemberRow struct {
	UserID, Email, Name, Role string
	Self                      bool
	RoleAction, RemoveAction  templ.SafeURL
}
