package sqlstore

import (
	"fmt"

	"github.com/scimd/scimd/schemas"
)

// Tables and their aliases. These constants are the only table names in
// SQL text.
const (
	tenantsTable     = "tenants"
	membersTable     = "members"
	valuesTable      = "attr_values"
	credsTable       = "credentials"
	schemasTable     = "tenant_schemas"
	uniqueTable      = "unique_values"
	metaTypesTable   = "metadata_types"
	appsTable        = "apps"
	assignmentsTable = "app_assignments"
)

// Resource type codes stored in attr_values.rtype and members.member_type.
const (
	rtypeUser  = 1
	rtypeGroup = 2
)

// A table describes where one resource type lives.
type table struct {
	name  string // "users"
	from  string // "users r": the table with the alias every query uses
	rtype int
	// name column of the type: userName of users, displayName of groups.
	nameAttr string // canonical attribute
	nameCol  string // folded column
	rawCol   string // original value column, "" if none
}

var (
	usersTable = table{
		name: "users", from: "users r", rtype: rtypeUser,
		nameAttr: "userName", nameCol: "user_name_ci",
	}
	groupsTable = table{
		name: "`groups`", from: "`groups` r", rtype: rtypeGroup,
		nameAttr: "displayName", nameCol: "display_name_ci", rawCol: "display_name",
	}
)

func tableFor(rt *schemas.ResourceType) (table, error) {
	switch rt.Name {
	case schemas.UserType:
		return usersTable, nil
	case schemas.GroupType:
		return groupsTable, nil
	}
	return table{}, fmt.Errorf("sqlstore: unsupported resource type %q", rt.Name)
}

func typeName(rtype int) string {
	if rtype == rtypeGroup {
		return schemas.GroupType
	}
	return schemas.UserType
}
