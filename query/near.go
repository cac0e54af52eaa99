package query

import (
	"strconv"
	"strings"
)

// parseNear parses one operand, or two joined by NEAR/n or ONEAR/n.
func (p *parser) parseNear(sc scope) (Node, int, error) {
	left, lcol, err := p.parseUnary(sc)
	if err != nil {
		return nil, 0, err
	}
	t := p.peek()
	if tokOp(t) != opNear {
		return left, lcol, nil
	}
	p.next()
	n, ordered, name, err := nearOp(t)
	if err != nil {
		return nil, 0, err
	}
	if !startsOperand(p.peek()) {
		return nil, 0, p.expectedAfter(name)
	}
	right, rcol, err := p.parseUnary(sc)
	if err != nil {
		return nil, 0, err
	}
	if err := checkNearOperand(left, lcol, name); err != nil {
		return nil, 0, err
	}
	if err := checkNearOperand(right, rcol, name); err != nil {
		return nil, 0, err
	}
	if t2 := p.peek(); tokOp(t2) == opNear {
		return nil, 0, errf(t2.col, "NEAR and ONEAR cannot be chained: write (a NEAR/n b) AND (b NEAR/n c)")
	}
	return &Near{Left: left, Right: right, N: n, Ordered: ordered}, lcol, nil
}

// nearOp reads n from NEAR/n or ONEAR/n and returns the canonical spelling
// for messages.
func nearOp(t token) (n int, ordered bool, name string, err error) {
	kw := "NEAR"
	if isNearWord(t.text, "ONEAR") {
		kw, ordered = "ONEAR", true
	}
	rest := t.text[len(kw):]
	if len(rest) < 2 || !allDigits(rest[1:]) {
		return 0, false, "", errf(t.col, "%s needs a number: %s/5", kw, kw)
	}
	digits := strings.TrimLeft(rest[1:], "0")
	if len(digits) > 3 {
		// Too large for the limit whatever it is, and Atoi could overflow.
		n = MaxNear + 1
	} else if digits != "" {
		n, _ = strconv.Atoi(digits)
	}
	if n < 1 || n > MaxNear {
		return 0, false, "", errf(t.col, "%s/%s: n must be from 1 to %d", kw, rest[1:], MaxNear)
	}
	return n, ordered, kw + "/" + strconv.Itoa(n), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkNearOperand enforces that proximity operands have word positions:
// text terms, phrases, prefixes and lists, or an OR of them (any
// alternative counts).
func checkNearOperand(n Node, col int, name string) error {
	const allowed = "must be a term, phrase, prefix, list or an OR group of them"
	switch n := n.(type) {
	case *Term:
		if IsKeywordField(n.Field) {
			return errf(n.Col, "%s operand %s, not %s: (a keyword field has no word positions)", name, allowed, n.Field)
		}
	case *ListRef:
		if IsKeywordField(n.Field) {
			return errf(n.Col, "%s operand %s, not %s: (a keyword field has no word positions)", name, allowed, n.Field)
		}
	case *Or:
		for _, c := range n.Children {
			if err := checkNearOperand(c, col, name); err != nil {
				return err
			}
		}
	case *And:
		return errf(col, "%s operand %s, not AND", name, allowed)
	case *Not:
		return errf(col, "%s operand %s, not NOT: write NOT (a %s b)", name, allowed, name)
	case *Near:
		return errf(col, "%s operand %s, not another NEAR", name, allowed)
	}
	return nil
}
