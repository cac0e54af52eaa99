package slugcheck

import (
	"slices"
	"testing"
)

func TestFindsSlugsInTextNotInCodeOrLinks(t *testing.T) {
	slugs := []string{"so-y-te", "crisis", "bao-hoa-ban", "disaster"}
	page := `<h1>Tổng quan</h1><ul><li><a href="/alerts?department=so-y-te">Sở Y tế</a> 4</li>` +
		`<li><a href="/search?label=crisis">crisis</a> <span>3</span></li></ul><p>Nguồn: bao-hoa-ban, Báo Điện Biên</p>` +
		`<code>label:disaster</code><select><option value="so-y-te">Sở Y tế</option><option value="x">disaster</option></select>`
	if got := InHTML(page, slugs); !slices.Equal(got, []string{"crisis", "bao-hoa-ban", "disaster"}) {
		t.Errorf("InHTML = %v, want [crisis bao-hoa-ban disaster]", got)
	}
	if got := InText("Lan truyền: 1 bài từ 1 nguồn (Báo Điện Biên)\nĐơn vị: Sở Y tế", slugs); len(got) != 0 {
		t.Errorf("InText found %v in a message naming everything", got)
	}
	if got := InText("- Lũ quét (so-y-te 4, crisis)", slugs); !slices.Equal(got, []string{"so-y-te", "crisis"}) {
		t.Errorf("InText = %v", got)
	}
}
