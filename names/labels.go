package names

// labels are the names of the labels the built-in rules and the alert
// engine give (rules may add their own: those show as written).
var labels = map[string][2]string{ // slug -> {vi, en}
	"sensitive":         {"Nhạy cảm", "Sensitive"},
	"disaster":          {"Thiên tai", "Disaster"},
	"crisis":            {"Khủng hoảng", "Crisis"},
	"health":            {"Y tế, dịch bệnh", "Health, epidemics"},
	"scam":              {"Lừa đảo", "Scams"},
	"land":              {"Đất đai", "Land"},
	"environment":       {"Môi trường", "Environment"},
	"accident":          {"Tai nạn", "Accidents"},
	"rumour":            {"Tin đồn", "Rumours"},
	"misleading":        {"Sai sự thật", "Misleading"},
	"negative":          {"Tiêu cực", "Negative"},
	"service":           {"Dịch vụ công", "Public services"},
	"clickbait":         {"Giật tít", "Clickbait"},
	"border":            {"Biên giới", "Border"},
	"official-response": {"Thông tin chính thức", "Official response"},
	"policy":            {"Chính sách", "Policy"},
	"weak-source":       {"Nguồn thiếu tin cậy", "Weak source"},
	"ethnic-religion":   {"Dân tộc, tôn giáo", "Ethnicity, religion"},
	"governance":        {"Quản lý nhà nước", "Governance"},
	"public-order":      {"An ninh trật tự", "Public order"},
	"source-paused":     {"Nguồn tạm dừng", "Source paused"},
	"source-silent":     {"Nguồn im lặng", "Source silent"},
	"source-extraction": {"Lỗi trích xuất", "Extraction failing"},
}

// Label is the name of label in lang ("vi" or "en"); a label without a
// name (a rule's own) shows as written.
func Label(label, lang string) string { return pick(labels, label, lang) }

func pick(m map[string][2]string, key, lang string) string {
	n, ok := m[key]
	switch {
	case !ok:
		return key
	case lang == "en":
		return n[1]
	}
	return n[0]
}

// LabelSlugs are the labels that have names.
func LabelSlugs() []string {
	out := make([]string, 0, len(labels))
	for k := range labels {
		out = append(out, k)
	}
	return out
}

// languages are the names of the languages articles are detected in.
var languages = map[string][2]string{ // code -> {vi, en}
	"vi": {"Tiếng Việt", "Vietnamese"},
	"en": {"Tiếng Anh", "English"},
	"fr": {"Tiếng Pháp", "French"},
	"lo": {"Tiếng Lào", "Lao"},
	"th": {"Tiếng Thái", "Thai"},
	"zh": {"Tiếng Trung", "Chinese"},
	"km": {"Tiếng Khmer", "Khmer"},
}

// Language is the name of the language code in lang; an unknown code
// shows as written.
func Language(code, lang string) string { return pick(languages, code, lang) }
