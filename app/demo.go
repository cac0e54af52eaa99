package app

import "github.com/presswatch/presswatch/config"

// DemoDepartments are the departments the example rules name, as the demo
// configures them: so that messages and pages show "Sở Y tế", "Department of Health", never
// so-y-te. Their focal points are mailboxes of the demo's local mail sink.
func DemoDepartments() []config.Department {
	dept := func(id, name, nameEn, mailbox string) config.Department {
		return config.Department{ID: id, Name: name, NameEn: nameEn, FocalPoints: []config.Contact{{Name: "Người phát ngôn, " + name, Email: mailbox + "@presswatch.demo"}}}
	}
	return []config.Department{
		dept("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment", "phatngon.snnmt"),
		dept("so-xay-dung", "Sở Xây dựng", "Department of Construction", "phatngon.sxd"),
		dept("so-y-te", "Sở Y tế", "Department of Health", "phatngon.syt"),
		dept("cong-an-tinh", "Công an tỉnh", "Provincial Police", "phatngon.cat"),
		dept("so-van-hoa-thong-tin", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism", "phatngon.svhttdl"),
		dept("ubnd-tinh", "Văn phòng UBND tỉnh", "Office of the Provincial People's Committee", "phatngon.ubnd"),
	}
}
