package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/presswatch/presswatch/web/auth"
)

// SessionCookie names the session cookie.
const SessionCookie = "pw_session"

// Principal is who made a request.
type Principal struct {
	Name string
	Role Role
	// Lang is the user's chosen language ("" to follow the browser).
	Lang string
	// Session is set for browser sign-ins (cookie or proxy); such requests
	// carry ambient credentials and so must pass the CSRF check.
	Session   *auth.Session
	SessionID string
	// Departments the account belongs to: an officer sees and acts on
	// their incidents (and those without a department). Empty, or a lead
	// or admin, means every department.
	Departments []string
}

// AllDepartments reports whether p sees and acts on every department's
// incidents.
func (p *Principal) AllDepartments() bool {
	return p != nil && (p.Role >= RoleLead || len(p.Departments) == 0)
}

type principalKey struct{}

// PrincipalOf returns who made the request, or nil.
func PrincipalOf(r *http.Request) *Principal {
	p, _ := r.Context().Value(principalKey{}).(*Principal)
	return p
}

// caller names who made the request, for audit fields.
func caller(r *http.Request) string {
	if p := PrincipalOf(r); p != nil {
		return p.Name
	}
	return ""
}

// authenticate finds the principal from a bearer token, a trusted
// proxy's header or the session cookie, in that order. A nil principal
// with a nil error means anonymous.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*Principal, error) {
	if v := r.Header.Get("Authorization"); v != "" {
		scheme, tok, ok := strings.Cut(v, " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
			return nil, nil
		}
		if t, found := s.tokens[sha256.Sum256([]byte(tok))]; found {
			return &Principal{Name: t.Name, Role: t.Role}, nil
		}
		if s.opts.Accounts == nil {
			return nil, nil
		}
		t, err := s.opts.Accounts.Tokens.Lookup(r.Context(), tok)
		if errors.Is(err, auth.ErrNoToken) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		role, _ := ParseRole(t.Role)
		return &Principal{Name: "token:" + t.Name, Role: role}, nil
	}
	if s.opts.Accounts == nil {
		return nil, nil
	}
	var sess *auth.Session
	var sid string
	if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
		got, err := s.opts.Accounts.Sessions.Get(r.Context(), c.Value)
		switch {
		case err == nil:
			sess, sid = got, c.Value
		case !errors.Is(err, auth.ErrNoSession):
			return nil, err
		}
	}
	if name := s.proxyUser(r); name != "" && (sess == nil || sess.User != name) {
		// The proxy vouches for this user: start a session so that forms
		// get a CSRF token like any other sign-in.
		id, err := s.startSession(w, r, name)
		if err != nil {
			return nil, err
		}
		sess, err = s.opts.Accounts.Sessions.Get(r.Context(), id)
		if err != nil {
			return nil, err
		}
		sid = id
	}
	if sess == nil {
		return nil, nil
	}
	u, err := s.opts.Accounts.Users.Get(r.Context(), sess.User)
	if errors.Is(err, auth.ErrNoUser) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, nil
	}
	// The role is read from the account on every request, so a change
	// applies at once.
	role, err := ParseRole(u.Role)
	if err != nil {
		return nil, nil
	}
	return &Principal{Name: u.Name, Role: role, Lang: u.Lang, Session: sess, SessionID: sid, Departments: u.Departments}, nil
}

// proxyUser returns the user name a trusted reverse proxy vouches for.
func (s *Server) proxyUser(r *http.Request) string {
	if s.opts.ProxyHeader == "" || !s.fromTrustedProxy(r) {
		return ""
	}
	name := strings.TrimSpace(r.Header.Get(s.opts.ProxyHeader))
	if auth.CheckName(name) != nil {
		return ""
	}
	return name
}

func remoteAddr(r *http.Request) (netip.Addr, bool) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}

func (s *Server) fromTrustedProxy(r *http.Request) bool {
	a, ok := remoteAddr(r)
	if !ok {
		return false
	}
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP is the address login limits count against: the peer, or the
// last address a trusted proxy added to X-Forwarded-For.
func (s *Server) ClientIP(r *http.Request) string {
	if s.fromTrustedProxy(r) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if a, err := netip.ParseAddr(strings.TrimSpace(parts[len(parts)-1])); err == nil {
				return a.Unmap().String()
			}
		}
	}
	if a, ok := remoteAddr(r); ok {
		return a.String()
	}
	return r.RemoteAddr
}

func (s *Server) secure(r *http.Request) bool {
	if s.opts.SecureCookies != nil {
		return *s.opts.SecureCookies
	}
	return r.TLS != nil || s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// StartSession signs user in on this browser.
func (s *Server) StartSession(w http.ResponseWriter, r *http.Request, user string) error {
	_, err := s.startSession(w, r, user)
	return err
}

func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user string) (string, error) {
	if s.opts.Accounts == nil {
		return "", errors.New("sign-in is not enabled")
	}
	id, sess, err := s.opts.Accounts.Sessions.Create(r.Context(), user)
	if err != nil {
		return "", err
	}
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: id, Path: "/", Expires: sess.Expires,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	return id, nil
}

// EndSession signs this browser out.
func (s *Server) EndSession(w http.ResponseWriter, r *http.Request) error {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode})
	if p := PrincipalOf(r); p != nil && p.SessionID != "" && s.opts.Accounts != nil {
		return s.opts.Accounts.Sessions.Delete(r.Context(), p.SessionID)
	}
	return nil
}

// csrfOK checks the synchronizer token of a cookie-authenticated unsafe
// request: the X-CSRF-Token header (scripts) or the csrf form field.
func (s *Server) csrfOK(w http.ResponseWriter, r *http.Request, sess *auth.Session) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		got = r.PostFormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// Audit records an officer's or admin's action under the caller's name.
func (s *Server) Audit(r *http.Request, action, target, detail string) {
	if s.opts.Accounts == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	ev := auth.AuditEvent{Actor: caller(r), Action: action, Target: target, Detail: detail, IP: s.ClientIP(r)}
	if err := s.opts.Accounts.Audit.Record(ctx, ev); err != nil {
		s.log.Error("audit record lost", "action", action, "actor", ev.Actor, "err", err)
	}
}

// audit records a successful state-changing request by route.
func (s *Server) audit(r *http.Request, p *Principal, pattern string) {
	if strings.HasSuffix(pattern, "/logout") {
		return
	}
	s.Audit(r, pattern, r.URL.Path, fmt.Sprintf("role %s", p.Role))
}

// Accounts returns the account stores, or nil when sign-in is off.
func (s *Server) Accounts() *auth.Accounts { return s.opts.Accounts }
