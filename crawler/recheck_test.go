package crawler

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/presswatch/presswatch/article"
	"github.com/presswatch/presswatch/bus"
)

const pageTmpl = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>%[1]s</title></head><body>
<nav><a href="/">Trang chủ</a></nav><article><h1>%[1]s</h1>
<p>%[2]s</p><p>Chính quyền huyện Mường Chà đã huy động lực lượng hỗ trợ người dân di dời tài sản đến nơi an toàn, đồng thời kiểm tra các điểm có nguy cơ sạt lở.</p>
<p>Người dân được khuyến cáo không đi qua các ngầm tràn khi nước lên, theo dõi thông tin cảnh báo trên đài phát thanh địa phương.</p></article></body></html>`

// TestRecheckRecordsEditAndRemoval: a flagged article whose page is edited
// yields an "edited" revision with both snapshots kept and is republished;
// a later 404 yields "removed".
func TestRecheckRecordsEditAndRemoval(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	body, status := "Lũ quét làm 7 ngôi nhà bị cuốn trôi tại xã Sa Lông.", http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if status != http.StatusOK {
			http.Error(w, "gone", status)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, pageTmpl, "Lũ quét ở Mường Chà", body)
	}))
	t.Cleanup(srv.Close)
	url := srv.URL + "/tin/lu-quet.html"
	h := newHarness(t, nil, func(o *Options) { o.RecheckEvery = 200 * time.Millisecond })
	ctx := context.Background()
	id, err := Submit(ctx, h.b, url, "officer", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	h.waitFor("fetched", 30*time.Second, func() bool { arts, _ := h.published(); return arts[id] != nil })
	arts0, _ := h.published()
	first := arts0[id]
	// What the classifier would publish for it.
	first.Matches = []article.Match{{RuleID: "disaster.flood"}}
	data, _ := json.Marshal(first)
	if err := h.b.Publish(ctx, bus.SubjectClassified, id, data); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	body = "Lũ quét làm 9 ngôi nhà bị cuốn trôi tại xã Sa Lông (cập nhật)."
	mu.Unlock()
	revs := func() []article.Revision {
		s, err := h.b.JetStream().Stream(ctx, bus.StreamRevisions)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := s.Info(ctx)
		var out []article.Revision
		for seq := info.State.FirstSeq; seq > 0 && seq <= info.State.LastSeq; seq++ {
			m, err := s.GetMsg(ctx, seq)
			if err != nil {
				continue
			}
			var r article.Revision
			_ = json.Unmarshal(m.Data, &r)
			out = append(out, r)
		}
		return out
	}
	h.waitFor("edited revision", 30*time.Second, func() bool { return len(revs()) == 1 })
	r := revs()[0]
	if r.Kind != article.RevisionEdited || r.ArticleID != id || r.OldEvidence == "" || r.NewEvidence == "" || r.OldEvidence == r.NewEvidence {
		t.Fatalf("revision = %+v", r)
	}
	for _, ev := range []string{r.OldEvidence, r.NewEvidence} {
		if _, err := h.b.Objects(bus.ObjectEvidence).GetBytes(ctx, ev); err != nil {
			t.Errorf("snapshot %s: %v", ev, err)
		}
	}
	old, _ := h.b.Objects(bus.ObjectEvidence).GetBytes(ctx, r.OldEvidence)
	if !strings.Contains(string(old), "7 ngôi nhà") {
		t.Error("old snapshot does not hold the old text")
	}
	arts, counts := h.published()
	if counts[id] != 2 {
		t.Errorf("article published %d times, want 2 (original and edit)", counts[id])
	}
	if e := arts[id]; e.SourceID != first.SourceID || e.Site != first.Site || !strings.Contains(e.Text, "9 ngôi nhà") {
		t.Errorf("republished edit lost fields: source %q site %q text %q", e.SourceID, e.Site, e.Text)
	}
	mu.Lock()
	status = http.StatusNotFound
	mu.Unlock()
	h.waitFor("removed revision", 30*time.Second, func() bool { return len(revs()) == 2 })
	if r := revs()[1]; r.Kind != article.RevisionRemoved || r.Status != http.StatusNotFound {
		t.Errorf("revision = %+v", r)
	}
}
