package sqlstore

import (
	"fmt"
	"sync"

	"github.com/scimd/scimd/storage"
)

// directOneTexts are the texts of directSelect for one user, by what it
// loads (Groups, Apps), made once: building the query with squirrel cost a
// GET /Users/{id} more than running it. Its arguments are the tenant and
// the user's ID, in that order.
var directOneTexts = sync.OnceValue(func() [4]string {
	var out [4]string
	for i := range out {
		opts := storage.GetOptions{Groups: i&1 != 0, Apps: i&2 != 0}
		text, args, err := directSelect("tenant", "id", opts).ToSql()
		if err != nil || len(args) != 2 || args[0] != "tenant" || args[1] != "id" {
			panic(fmt.Sprintf("directSelect of one user: %v, arguments %v", err, args))
		}
		out[i] = text
	}
	return out
})

// directOneText is the text of directSelect(tenant, id, opts) for one id.
func directOneText(opts storage.GetOptions) string {
	i := 0
	if opts.Groups {
		i |= 1
	}
	if opts.Apps {
		i |= 2
	}
	return directOneTexts()[i]
}
