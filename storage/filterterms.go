package storage

import "github.com/scim2/filter-parser/v2"

// FilterTerms counts a filter's comparisons and logical operators (a value
// path counts one, plus the terms of its filter): the measure MaxFilterTerms
// bounds.
func FilterTerms(e filter.Expression) int {
	switch e := e.(type) {
	case *filter.LogicalExpression:
		return 1 + FilterTerms(e.Left) + FilterTerms(e.Right)
	case *filter.NotExpression:
		return 1 + FilterTerms(e.Expression)
	case *filter.ValuePath:
		return 1 + FilterTerms(e.ValueFilter)
	}
	return 1
}
