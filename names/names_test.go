package names

import "testing"

func TestNamesFallBackToVietnameseThenID(t *testing.T) {
	ds := Departments{{ID: "so-y-te", Vi: "Sở Y tế", En: "Department of Health"}, {ID: "so-xay-dung", Vi: "Sở Xây dựng"}, {ID: "bare"}}
	for _, c := range []struct{ id, lang, want string }{
		{"so-y-te", "vi", "Sở Y tế"},
		{"so-y-te", "en", "Department of Health"},
		{"so-y-te", "", "Sở Y tế"},
		{"so-xay-dung", "en", "Sở Xây dựng"},
		{"bare", "vi", "bare"},
		{"khong-co", "vi", "khong-co"},
	} {
		if got := ds.Name(c.id, c.lang); got != c.want {
			t.Errorf("Name(%q, %q) = %q, want %q", c.id, c.lang, got, c.want)
		}
	}
	if m := ds.In("en"); m["so-y-te"] != "Department of Health" || m["so-xay-dung"] != "Sở Xây dựng" || len(m) != 3 {
		t.Errorf("In(en) = %v", m)
	}
}
