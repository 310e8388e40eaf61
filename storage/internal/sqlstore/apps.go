package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	sq "github.com/Masterminds/squirrel"
	"github.com/google/uuid"

	"github.com/scimd/scimd/schemas"
	"github.com/scimd/scimd/storage"
)

var appColumns = []string{"id", "name", "description", "created", "last_modified"}

// CreateApp stores a new app.
func (s *Store) CreateApp(ctx context.Context, tenant storage.TenantID, app storage.App) (storage.App, error) {
	if err := checkApp(app); err != nil {
		return app, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return app, err
	}
	now := s.now().UTC().Truncate(timePrecision)
	app.ID, app.Created, app.LastModified = id.String(), now, now
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.tenantExists(ctx, tx, tenant); err != nil {
			return err
		}
		if _, err := s.exec(ctx, tx, sq.Insert(appsTable).Columns(append([]string{"tenant_id"}, appColumns...)...).
			Values(string(tenant), app.ID, app.Name, nullable(app.Description), formatTime(now), formatTime(now))); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditCreate, rtype: storage.AuditApp, id: app.ID,
			changes: appChanges(storage.App{}, app)})
	})
	if err != nil {
		return app, s.mapErr("create app", err)
	}
	return app, nil
}

// tenantExists locks the tenant's row (where the engine has row locks) so
// that a concurrent DeleteTenant runs before or after, never during.
func (s *Store) tenantExists(ctx context.Context, tx *sql.Tx, tenant storage.TenantID) error {
	b := sq.Select("id").From(tenantsTable).Where(sq.Eq{"id": string(tenant)})
	if s.d.ShareLockSuffix != "" {
		b = b.Suffix(s.d.ShareLockSuffix)
	}
	var id string
	if err := s.queryRow(ctx, tx, b, &id); errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("tenant %s: %w", tenant, storage.ErrNotFound)
	} else if err != nil {
		return err
	}
	return nil
}

func checkApp(app storage.App) error {
	switch {
	case strings.TrimSpace(app.Name) == "":
		return &storage.ValueError{Attribute: "name", Detail: "is required: give the app a name"}
	case !utf8.ValidString(app.Name) || utf8.RuneCountInString(app.Name) > storage.MaxAppName:
		return &storage.ValueError{Attribute: "name", Detail: fmt.Sprintf("must be valid text of at most %d characters", storage.MaxAppName)}
	case strings.IndexFunc(app.Name, unicode.IsControl) >= 0:
		return &storage.ValueError{Attribute: "name", Detail: "must not hold control characters"}
	case !utf8.ValidString(app.Description) || utf8.RuneCountInString(app.Description) > storage.MaxAppDescription:
		return &storage.ValueError{Attribute: "description", Detail: fmt.Sprintf("must be valid text of at most %d characters", storage.MaxAppDescription)}
	}
	return nil
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Apps returns the tenant's apps ordered by name, then ID.
func (s *Store) Apps(ctx context.Context, tenant storage.TenantID) ([]storage.App, error) {
	rows, err := s.query(ctx, s.read, sq.Select(appColumns...).From(appsTable).
		Where(sq.Eq{"tenant_id": string(tenant)}).OrderBy("name", "id"))
	if err != nil {
		return nil, s.mapErr("list apps", err)
	}
	defer rows.Close()
	out := []storage.App{}
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			return nil, s.mapErr("list apps", err)
		}
		out = append(out, a)
	}
	return out, s.mapErr("list apps", rows.Err())
}

func scanApp(rows *sql.Rows) (storage.App, error) {
	var a storage.App
	var desc sql.NullString
	var created, modified string
	if err := rows.Scan(&a.ID, &a.Name, &desc, &created, &modified); err != nil {
		return a, err
	}
	a.Description = desc.String
	var err error
	if a.Created, err = parseStoredTime(created); err != nil {
		return a, err
	}
	a.LastModified, err = parseStoredTime(modified)
	return a, err
}

// App returns one app.
func (s *Store) App(ctx context.Context, tenant storage.TenantID, id string) (storage.App, error) {
	a, err := s.getApp(ctx, s.read, tenant, id, false)
	return a, s.mapErr("get app", err)
}

func (s *Store) getApp(ctx context.Context, q querier, tenant storage.TenantID, id string, lock bool) (storage.App, error) {
	if !asciiID(id) {
		return storage.App{}, fmt.Errorf("app %q: %w", id, storage.ErrAppNotFound)
	}
	b := sq.Select(appColumns...).From(appsTable).Where(sq.Eq{"tenant_id": string(tenant), "id": id})
	if lock && s.d.ShareLockSuffix != "" {
		b = b.Suffix(s.d.ShareLockSuffix)
	}
	rows, err := s.query(ctx, q, b)
	if err != nil {
		return storage.App{}, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return storage.App{}, err
		}
		return storage.App{}, fmt.Errorf("app %q: %w", id, storage.ErrAppNotFound)
	}
	a, err := scanApp(rows)
	if err != nil {
		return a, err
	}
	return a, rows.Close()
}

// UpdateApp replaces an app's name and description.
func (s *Store) UpdateApp(ctx context.Context, tenant storage.TenantID, app storage.App) (storage.App, error) {
	if err := checkApp(app); err != nil {
		return app, err
	}
	var out storage.App
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getApp(ctx, tx, tenant, app.ID, true)
		if err != nil {
			return err
		}
		now := s.now().UTC().Truncate(timePrecision)
		if !now.After(cur.LastModified) {
			now = cur.LastModified.Add(timePrecision)
		}
		if _, err := s.exec(ctx, tx, sq.Update(appsTable).Set("name", app.Name).Set("description", nullable(app.Description)).
			Set("last_modified", formatTime(now)).Where(sq.Eq{"tenant_id": string(tenant), "id": app.ID})); err != nil {
			return err
		}
		out = cur
		out.Name, out.Description, out.LastModified = app.Name, app.Description, now
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditUpdate, rtype: storage.AuditApp, id: app.ID,
			changes: appChanges(cur, out)})
	})
	if err != nil {
		return app, s.mapErr("update app", err)
	}
	return out, nil
}

// DeleteApp removes an app and its assignments, bumping the users that had
// one.
func (s *Store) DeleteApp(ctx context.Context, tenant storage.TenantID, id string) error {
	if !asciiID(id) {
		return fmt.Errorf("app %q: %w", id, storage.ErrAppNotFound)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, sq.Delete(appsTable).Where(sq.Eq{"tenant_id": string(tenant), "id": id}))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("app %q: %w", id, storage.ErrAppNotFound)
		}
		// Read the users first (a primary key range) and bump them by
		// primary key, as deleteMemberships does for groups.
		rows, err := s.query(ctx, tx, sq.Select("user_id").From(assignmentsTable).
			Where(sq.Eq{"tenant_id": string(tenant), "app_id": id}))
		if err != nil {
			return err
		}
		var users []string
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return err
			}
			users = append(users, u)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if err := s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditDelete, rtype: storage.AuditApp, id: id}); err != nil {
			return err
		}
		if len(users) == 0 {
			return nil
		}
		for chunk := range chunks(users) {
			if err := s.bumpUsers(ctx, tx, tenant, chunk); err != nil {
				return err
			}
		}
		_, err = s.exec(ctx, tx, sq.Delete(assignmentsTable).Where(sq.Eq{"tenant_id": string(tenant), "app_id": id}))
		return err
	})
	return s.mapErr("delete app", err)
}

// bumpUsers makes a new version of users whose apps changed.
func (s *Store) bumpUsers(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, ids any) error {
	_, err := s.exec(ctx, tx, sq.Update(usersTable.name).Set("version", sq.Expr("version + 1")).
		Set("last_modified", formatTime(s.now())).Where(sq.Eq{"tenant_id": string(tenant), "id": ids}))
	return err
}

// Assign assigns a user to an app, or replaces the assignment's data.
func (s *Store) Assign(ctx context.Context, tenant storage.TenantID, a storage.AppAssignment) (storage.AppAssignment, error) {
	usernameCI, data, err := checkAssignment(a)
	if err != nil {
		return a, err
	}
	now := s.now().UTC().Truncate(timePrecision)
	var out storage.AppAssignment
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		// The user's row lock orders this with other writes of the user
		// (its deletion included); the app's shared lock with the app's
		// deletion.
		user, err := s.getRow(ctx, tx, tenant, usersTable, a.User, true)
		if err != nil {
			return err
		}
		app, err := s.getApp(ctx, tx, tenant, a.App, true)
		if err != nil {
			return err
		}
		var prev string
		err = s.queryRow(ctx, tx, sq.Select("created").From(assignmentsTable).
			Where(sq.Eq{"tenant_id": string(tenant), "app_id": a.App, "user_id": a.User}), &prev)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			_, err = s.exec(ctx, tx, sq.Insert(assignmentsTable).
				Columns("tenant_id", "app_id", "user_id", "username", "username_ci", "external_account_id", "custom_app_data", "created", "last_modified").
				Values(string(tenant), a.App, a.User, nullable(a.Username), usernameCI, nullable(a.ExternalAccountID), data, formatTime(now), formatTime(now)))
		case err == nil:
			_, err = s.exec(ctx, tx, sq.Update(assignmentsTable).Set("username", nullable(a.Username)).Set("username_ci", usernameCI).
				Set("external_account_id", nullable(a.ExternalAccountID)).Set("custom_app_data", data).Set("last_modified", formatTime(now)).
				Where(sq.Eq{"tenant_id": string(tenant), "app_id": a.App, "user_id": a.User}))
		}
		if err != nil {
			if s.d.IsUniqueViolation(err) {
				return &usernameTaken{app: app.Name, username: a.Username}
			}
			return err
		}
		if err := s.bumpUser(ctx, tx, tenant, user); err != nil {
			return err
		}
		out = a
		out.AppName = app.Name
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditAssign, rtype: schemas.UserType, id: a.User,
			changes: assignmentChanges(a)})
	})
	var taken *usernameTaken
	if errors.As(err, &taken) {
		return a, fmt.Errorf("username %q is taken in app %q: %w", taken.username, taken.app, storage.ErrConflict)
	}
	if err != nil {
		return a, s.mapErr("assign app", err)
	}
	return out, nil
}

type usernameTaken struct{ app, username string }

func (e *usernameTaken) Error() string { return "username taken" }

// bumpUser makes a new version of a locked user, with a lastModified that
// never goes back.
func (s *Store) bumpUser(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, user storage.Resource) error {
	now := s.now().UTC().Truncate(timePrecision)
	if !now.After(user.Meta.LastModified) {
		now = user.Meta.LastModified.Add(timePrecision)
	}
	_, err := s.exec(ctx, tx, sq.Update(usersTable.name).Set("version", sq.Expr("version + 1")).
		Set("last_modified", formatTime(now)).Where(sq.Eq{"tenant_id": string(tenant), "id": user.ID}))
	return err
}

// checkAssignment validates an assignment's data and returns the folded
// username (nil if none) and the JSON of customAppData (nil if none).
func checkAssignment(a storage.AppAssignment) (usernameCI, data *string, err error) {
	if a.App == "" || a.User == "" {
		return nil, nil, &storage.ValueError{Attribute: "apps", Detail: "an assignment names an app and a user"}
	}
	if !utf8.ValidString(a.Username) || utf8.RuneCountInString(a.Username) > storage.MaxAppUsername {
		return nil, nil, &storage.ValueError{Attribute: "username", Detail: fmt.Sprintf("must be valid text of at most %d characters", storage.MaxAppUsername)}
	}
	if !utf8.ValidString(a.ExternalAccountID) || utf8.RuneCountInString(a.ExternalAccountID) > storage.MaxExternalAccount {
		return nil, nil, &storage.ValueError{Attribute: "externalAccountId", Detail: fmt.Sprintf("must be valid text of at most %d characters", storage.MaxExternalAccount)}
	}
	if a.Username != "" {
		f := fold(a.Username)
		if len(f) > maxNameBytes {
			return nil, nil, &storage.ValueError{Attribute: "username", Detail: fmt.Sprintf("is longer than %d bytes", maxNameBytes)}
		}
		usernameCI = &f
	}
	if a.CustomAppData != nil {
		b, err := json.Marshal(a.CustomAppData)
		if err != nil {
			return nil, nil, &storage.ValueError{Attribute: "customAppData", Detail: "must be a JSON object"}
		}
		if len(b) > storage.MaxCustomAppData {
			return nil, nil, &storage.ValueError{Attribute: "customAppData", Detail: fmt.Sprintf("is %d bytes as JSON; at most %d are allowed", len(b), storage.MaxCustomAppData)}
		}
		d := string(b)
		data = &d
	}
	return usernameCI, data, nil
}

// Unassign removes a user's assignment to an app.
func (s *Store) Unassign(ctx context.Context, tenant storage.TenantID, appID, userID string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		user, err := s.getRow(ctx, tx, tenant, usersTable, userID, true)
		if err != nil {
			return err
		}
		if !asciiID(appID) {
			return fmt.Errorf("user %q has no assignment to app %q: %w", userID, appID, storage.ErrNotFound)
		}
		res, err := s.exec(ctx, tx, sq.Delete(assignmentsTable).Where(sq.Eq{"tenant_id": string(tenant), "app_id": appID, "user_id": userID}))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("user %q has no assignment to app %q: %w", userID, appID, storage.ErrNotFound)
		}
		if err := s.bumpUser(ctx, tx, tenant, user); err != nil {
			return err
		}
		return s.writeAudit(ctx, tx, tenant, auditRow{op: storage.AuditUnassign, rtype: schemas.UserType, id: userID,
			changes: []storage.AttributeChange{{Path: "apps", Removed: []string{appID}}}})
	})
	return s.mapErr("unassign app", err)
}

// UserApps returns a user's assignments.
func (s *Store) UserApps(ctx context.Context, tenant storage.TenantID, userID string) ([]storage.AppAssignment, error) {
	r, err := s.getUser(ctx, tenant, userID, storage.GetOptions{Apps: true})
	if err != nil {
		return nil, s.mapErr("list user apps", err)
	}
	return r.Apps, nil
}

// deleteAssignments removes a deleted user's assignments.
func (s *Store) deleteAssignments(ctx context.Context, tx *sql.Tx, tenant storage.TenantID, userID string) error {
	_, err := s.exec(ctx, tx, sq.Delete(assignmentsTable).Where(sq.Eq{"tenant_id": string(tenant), "user_id": userID}))
	return err
}

// decodeAppData reads a stored customAppData.
func decodeAppData(b []byte) (map[string]any, error) {
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err := dec.Decode(&m)
	return m, err
}

// appChanges are the audit changes from one app to the next.
func appChanges(old, next storage.App) []storage.AttributeChange {
	var out []storage.AttributeChange
	for _, f := range []struct{ path, o, n string }{{"name", old.Name, next.Name}, {"description", old.Description, next.Description}} {
		if f.o != f.n {
			c := storage.AttributeChange{Path: f.path}
			if f.o != "" {
				c.Old = f.o
			}
			if f.n != "" {
				c.New = f.n
			}
			out = append(out, c)
		}
	}
	return out
}

// assignmentChanges are the audit changes of an assignment: the app added
// to the user's apps, and the assignment's data. customAppData, the app's
// own data about the user, may hold anything: only its keys are logged.
func assignmentChanges(a storage.AppAssignment) []storage.AttributeChange {
	out := []storage.AttributeChange{{Path: "apps", Added: []string{a.App}}}
	if a.Username != "" {
		out = append(out, storage.AttributeChange{Path: "apps.username", New: a.Username})
	}
	if a.ExternalAccountID != "" {
		out = append(out, storage.AttributeChange{Path: "apps.externalAccountId", New: a.ExternalAccountID})
	}
	if len(a.CustomAppData) > 0 {
		keys := slices.Sorted(maps.Keys(a.CustomAppData))
		out = append(out, storage.AttributeChange{Path: "apps.customAppData", New: map[string]any{"keys": keys, "values": storage.Redacted}})
	}
	return out
}
