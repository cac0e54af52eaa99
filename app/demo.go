package app

import "github.com/presswatch/presswatch/config"

// DemoDepartments are the departments the example rules name, as the demo
// configures them: so that messages and pages show "Sở Y tế", never
// so-y-te. Their focal points are mailboxes of the demo's local mail sink.
func DemoDepartments() []config.Department {
	dept := func(id, name, mailbox string) config.Department {
		return config.Department{ID: id, Name: name, FocalPoints: []config.Contact{{Name: "Người phát ngôn, " + name, Email: mailbox + "@presswatch.demo"}}}
	}
	return []config.Department{
		dept("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "phatngon.snnmt"),
		dept("so-xay-dung", "Sở Xây dựng", "phatngon.sxd"),
		dept("so-y-te", "Sở Y tế", "phatngon.syt"),
		dept("cong-an-tinh", "Công an tỉnh", "phatngon.cat"),
		dept("so-van-hoa-thong-tin", "Sở Văn hóa, Thể thao và Du lịch", "phatngon.svhttdl"),
		dept("ubnd-tinh", "Văn phòng UBND tỉnh", "phatngon.ubnd"),
	}
}
