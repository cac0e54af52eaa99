package web

import "fmt"

// Role orders what a caller may do.
type Role int

// ParseRole reads a role name from configuration.
func ParseRole(s string) (Role, error) {
	switch s {
	case "viewer":
		return RoleViewer, nil
	case "officer":
		return RoleOfficer, nil
	case "admin":
		return RoleAdmin, nil
	}
	return RoleNone, fmt.Errorf("unknown role %q (want viewer, officer or admin)", s)
}

// String names the role as configuration does.
func (r Role) String() string {
	switch r {
	case RoleViewer:
		return "viewer"
	case RoleOfficer:
		return "officer"
	case RoleAdmin:
		return "admin"
	}
	return "none"
}

// Token grants a role to a bearer.
type Token struct {
	Name  string
	Role  Role
	Value string
}
