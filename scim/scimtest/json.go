package scimtest

import (
	"encoding/json"
	"fmt"
)

// normalize turns a document into what encoding/json makes of it, so that
// json.Number, float64 and int, or []any and []map[string]any compare equal.
func normalize(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unmarshalable %T: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Sprintf("bad json: %v", err)
	}
	return out
}

// jsonString renders v for messages, cut to a readable length.
func jsonString(v any) string {
	const limit = 2000
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprintf("%#v", v)
	}
	if len(s) > limit {
		s = s[:limit] + fmt.Sprintf("…(%d bytes)", len(s))
	}
	return s
}
