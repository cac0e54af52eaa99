package demosite

// story is one base article of the simulated newspaper. All texts are
// fictional and were written for presswatch: places are real so that
// region detection has something to find, events and people are not.
type story struct {
	Slug       string
	Title      string
	Summary    string
	Byline     string
	Section    string
	Lang       string
	Topic      string
	Sensitive  bool
	Tags       []string
	Paragraphs []string
}

// section is an entry of the navigation menu; Name must match
// story.Section for the article to be listed on that section page.
type section struct {
	Slug string
	Name string
}

// siteSections is the navigation menu. A function rather than a variable
// so that nobody can mutate the table shared by every Site.
func siteSections() []section {
	return []section{
		{"thoi-su", "Thời sự"},
		{"chinh-tri", "Chính trị"},
		{"kinh-te", "Kinh tế"},
		{"xa-hoi", "Xã hội"},
		{"van-hoa", "Văn hóa"},
		{"du-lich", "Du lịch"},
		{"giao-duc", "Giáo dục"},
		{"y-te", "Y tế"},
		{"the-thao", "Thể thao"},
		{"cong-nghe", "Công nghệ"},
		{"english", "English"},
		{"francais", "Français"},
	}
}

// comment is a fictional reader comment. Comments are deliberately short
// opinions so that extractors have something to discard that does not
// read like article prose, and they contain no alert vocabulary so they
// never cause a neutral article to be flagged.
type comment struct {
	Author string
	Text   string
}

func readerComments(lang string) []comment {
	switch lang {
	case "en":
		return []comment{
			{"Mark T.", "Great read, thanks for covering the region in English!"},
			{"Linh", "Would love to see more photos next time."},
			{"Sarah K.", "Visited two years ago, such friendly people."},
			{"Tom", "Please keep us posted."},
			{"An Nguyen", "Shared this with my family abroad."},
			{"Claire", "Short and clear, exactly what I needed."},
		}
	case "fr":
		return []comment{
			{"Jean-Paul", "Merci pour cet article, très clair."},
			{"Mai", "J'aimerais voir plus de photos."},
			{"Élodie", "J'y suis allée l'an dernier, une région magnifique."},
			{"Pierre", "Tenez-nous au courant, s'il vous plaît."},
			{"Hoa", "Partagé avec mes amis en France."},
			{"Luc", "Merci de publier aussi en français !"},
		}
	default:
		return []comment{
			{"Minh Tuấn", "Mong báo tiếp tục theo dõi và đưa tin thêm nhé."},
			{"Thu Trang", "Cảm ơn phóng viên, đọc rất dễ hiểu."},
			{"Hoàng Long", "Quê tôi ở gần đây, đọc mà thấy thân thương quá."},
			{"Lan Phương", "Có ảnh không báo ơi? Muốn xem thêm hình."},
			{"Anh Khoa", "Hóng bài tiếp theo!"},
			{"Bạn đọc Mường Thanh", "Chia sẻ cho cả nhà cùng đọc."},
		}
	}
}

// ad is an advertisement slot; the businesses are invented.
type ad struct {
	Label string
	Text  string
}

func siteAds() []ad {
	return []ad{
		{"Quảng cáo", "Khách sạn Hoa Ban Trắng – giảm 20% giá phòng cho khách đặt trước 7 ngày. Hotline 0215 3 888 999."},
		{"Quảng cáo", "Gạo nếp nương Bản Mòng – đặc sản vùng cao, giao hàng tận nhà trong ngày."},
		{"Quảng cáo", "Trung tâm tiếng Anh Sao Mai – khai giảng lớp giao tiếp buổi tối, học thử miễn phí."},
	}
}

// baseStories returns the 18 base articles in release order. Sensitive and
// neutral stories alternate near the start so that a demo shows an alert
// within the first few releases.
func baseStories() []story {
	return []story{
		{
			Slug:    "le-hoi-hoa-ban-thu-hut-du-khach-ve-dien-bien",
			Title:   "Lễ hội Hoa Ban thu hút đông đảo du khách về với Điện Biên",
			Summary: "Với nhiều hoạt động văn hóa, thể thao và ẩm thực đặc sắc, Lễ hội Hoa Ban năm nay đã đón hàng chục nghìn lượt du khách trong và ngoài nước đến thành phố Điện Biên Phủ.",
			Byline:  "Quàng Thị Mai",
			Section: "Du lịch",
			Lang:    "vi",
			Topic:   "tourism",
			Tags:    []string{"hoa ban", "lễ hội", "du lịch", "Điện Biên Phủ"},
			Paragraphs: []string{
				"Những ngày tháng Ba, khi sắc trắng hoa ban phủ kín các sườn đồi quanh lòng chảo Mường Thanh, thành phố Điện Biên Phủ trở nên rộn ràng hơn bao giờ hết. Lễ hội Hoa Ban năm nay được tổ chức với chủ đề tôn vinh vẻ đẹp văn hóa các dân tộc vùng Tây Bắc, thu hút đông đảo người dân và du khách.",
				"Điểm nhấn của lễ hội là đêm khai mạc tại quảng trường trung tâm thành phố với chương trình nghệ thuật có sự tham gia của hàng trăm diễn viên, nghệ nhân. Những điệu xòe Thái uyển chuyển, tiếng khèn Mông vang vọng cùng màn trình diễn trang phục truyền thống đã để lại nhiều ấn tượng.",
				"Bên cạnh đó, ban tổ chức còn bố trí không gian trưng bày sản phẩm OCOP, ẩm thực đặc trưng như xôi nếp nương, thịt trâu gác bếp, cá nướng pa pỉnh tộp cùng các trò chơi dân gian như ném còn, kéo co, đẩy gậy. Nhiều du khách tỏ ra thích thú khi được trực tiếp tham gia và thưởng thức.",
				"Theo Sở Văn hóa, Thể thao và Du lịch, trong tuần lễ hội, Điện Biên đón khoảng 60.000 lượt khách, công suất phòng tại các khách sạn, nhà nghỉ ở trung tâm thành phố đạt trên 90%. Nhiều homestay tại các bản du lịch cộng đồng cũng kín chỗ.",
				"Một du khách đến từ Hà Nội chia sẻ đây là lần thứ hai chị lên Điện Biên vào mùa hoa ban và vẫn bị cuốn hút bởi không khí lễ hội, sự mến khách của người dân cùng những món ăn mang đậm hương vị núi rừng.",
				"Ngành du lịch tỉnh kỳ vọng lễ hội sẽ góp phần quảng bá hình ảnh vùng đất lịch sử, mở ra nhiều cơ hội liên kết với các địa phương khác trong phát triển sản phẩm du lịch gắn với văn hóa và cảnh quan thiên nhiên.",
			},
		},
		{
			Slug:      "lu-quet-muong-cha-cuon-troi-nha-dan",
			Title:     "Lũ quét tại Mường Chà cuốn trôi nhiều nhà dân, hàng chục hộ phải di dời khẩn cấp",
			Summary:   "Mưa lớn kéo dài trong đêm gây lũ quét tại hai xã của huyện Mường Chà, tỉnh Điện Biên, làm 7 ngôi nhà bị cuốn trôi và hơn 30 hộ dân phải sơ tán đến nơi an toàn.",
			Byline:    "Lò Văn Tâm",
			Section:   "Thời sự",
			Lang:      "vi",
			Topic:     "flood",
			Sensitive: true,
			Tags:      []string{"lũ quét", "Mường Chà", "thiên tai", "phòng chống thiên tai"},
			Paragraphs: []string{
				"Khoảng 2 giờ sáng, sau nhiều giờ mưa lớn liên tục, nước từ các khe suối đầu nguồn đổ về nhanh, gây lũ quét tại hai xã vùng cao của huyện Mường Chà. Dòng nước mạnh kèm bùn đá đã cuốn trôi hoàn toàn 7 ngôi nhà sàn ven suối, làm hư hỏng nặng 12 ngôi nhà khác.",
				"Theo đại diện UBND xã, nhờ được cảnh báo từ chiều hôm trước nên phần lớn người dân đã chủ động rời khỏi khu vực nguy hiểm. Tuy nhiên, tài sản, lương thực và gia súc của nhiều gia đình bị nước cuốn mất, ước tính thiệt hại ban đầu khoảng 3 tỷ đồng.",
				"Ngay trong đêm, Ban Chỉ huy phòng chống thiên tai huyện Mường Chà đã huy động công an, quân đội, dân quân và đoàn viên thanh niên hỗ trợ sơ tán hơn 30 hộ với gần 150 nhân khẩu đến nhà văn hóa bản và trường học gần đó. Các hộ được cấp phát mì tôm, nước uống, chăn màn và thuốc men thiết yếu.",
				"Tuyến đường liên xã nối trung tâm huyện với khu vực bị ảnh hưởng bị bùn đất vùi lấp nhiều đoạn, một cây cầu tràn bị nước đánh sập, khiến việc tiếp cận gặp nhiều khó khăn. Lực lượng chức năng đang dùng máy xúc mở đường tạm để đưa hàng cứu trợ vào.",
				"Đài Khí tượng thủy văn tỉnh Điện Biên cho biết mưa lớn còn có thể kéo dài trong hai ngày tới, nguy cơ xảy ra lũ quét, ngập lụt cục bộ và sạt lở đất tại Mường Chà, Nậm Pồ, Mường Nhé và Tủa Chùa là rất cao. Người dân được khuyến cáo không ở lại các khu nhà ven suối và không qua lại các ngầm tràn khi nước dâng.",
				"UBND tỉnh Điện Biên đã chỉ đạo các sở, ngành và địa phương khẩn trương khắc phục hậu quả, rà soát các điểm có nguy cơ cao để di dời dân, đồng thời hỗ trợ kịp thời cho các gia đình bị mất nhà cửa sớm ổn định cuộc sống.",
			},
		},
		{
			Slug:    "nong-dan-muong-ang-vao-vu-thu-hoach-ca-phe",
			Title:   "Nông dân Mường Ảng phấn khởi vào vụ thu hoạch cà phê",
			Summary: "Cà phê được mùa, được giá giúp nhiều hộ nông dân huyện Mường Ảng có thu nhập khá, đồng thời đẩy mạnh liên kết sản xuất theo hướng hữu cơ.",
			Byline:  "Trần Minh Khôi",
			Section: "Kinh tế",
			Lang:    "vi",
			Topic:   "agriculture",
			Tags:    []string{"cà phê", "Mường Ảng", "nông nghiệp", "OCOP"},
			Paragraphs: []string{
				"Những ngày này, trên khắp các đồi cà phê ở huyện Mường Ảng, không khí thu hoạch diễn ra nhộn nhịp. Từ sáng sớm, từng tốp người dân đã gùi bao, mang theo bạt ra vườn hái những chùm quả chín đỏ.",
				"Toàn huyện hiện có khoảng 3.000 ha cà phê, trong đó phần lớn diện tích đang cho thu hoạch. Năm nay thời tiết thuận lợi, cây ra hoa, đậu quả đều nên năng suất bình quân đạt gần 10 tấn quả tươi mỗi héc-ta, cao hơn vụ trước.",
				"Không chỉ được mùa, giá cà phê quả tươi năm nay cũng tăng mạnh so với cùng kỳ. Nhiều gia đình có từ 2 đến 3 ha cà phê dự kiến thu về vài trăm triệu đồng sau khi trừ chi phí, đủ để sửa sang nhà cửa và đầu tư cho con cái học hành.",
				"Một số hợp tác xã trên địa bàn đã đầu tư máy xát vỏ, sân phơi và lò rang, chuyển từ bán quả tươi sang chế biến cà phê nhân, cà phê bột đóng gói mang thương hiệu Mường Ảng. Nhiều sản phẩm đã đạt chứng nhận OCOP 3 sao và có mặt tại các cửa hàng đặc sản trong và ngoài tỉnh.",
				"Huyện Mường Ảng đang khuyến khích người dân áp dụng quy trình canh tác hữu cơ, hạn chế phân bón hóa học, thu hái đúng độ chín để nâng cao chất lượng. Địa phương cũng phối hợp với doanh nghiệp xây dựng vùng nguyên liệu có mã số vùng trồng, hướng tới xuất khẩu.",
			},
		},
		{
			Slug:      "bac-bo-tin-don-thu-phi-xe-may-vao-thanh-pho-dien-bien-phu",
			Title:     "Bác bỏ tin đồn thất thiệt về việc thu phí xe máy vào thành phố Điện Biên Phủ",
			Summary:   "Cơ quan chức năng tỉnh Điện Biên khẳng định thông tin lan truyền trên mạng xã hội về việc thu phí 50.000 đồng mỗi lượt đối với xe máy ngoại tỉnh vào trung tâm thành phố là hoàn toàn sai sự thật.",
			Byline:    "Vì Thị Hoa",
			Section:   "Thời sự",
			Lang:      "vi",
			Topic:     "misinformation",
			Sensitive: true,
			Tags:      []string{"tin đồn", "mạng xã hội", "thông tin sai sự thật", "Điện Biên Phủ"},
			Paragraphs: []string{
				"Mấy ngày qua, trên một số trang và nhóm mạng xã hội xuất hiện bài đăng kèm hình ảnh một văn bản được cho là của UBND tỉnh Điện Biên, nêu rằng từ đầu tháng tới, xe máy mang biển số ngoại tỉnh đi vào trung tâm thành phố Điện Biên Phủ phải nộp phí 50.000 đồng mỗi lượt. Bài đăng nhanh chóng thu hút hàng nghìn lượt chia sẻ và bình luận.",
				"Chiều qua, Sở Thông tin và Truyền thông tỉnh Điện Biên đã phát đi thông cáo khẳng định đây là tin đồn thất thiệt. Tỉnh không ban hành bất kỳ chủ trương hay văn bản nào về việc thu phí xe máy ra vào thành phố; văn bản được chia sẻ là giả mạo, bị cắt ghép từ một văn bản cũ về bảo đảm trật tự an toàn giao thông.",
				"Theo cơ quan chức năng, thông tin sai sự thật này đã gây hoang mang cho nhiều người, đặc biệt là lao động tự do, học sinh, sinh viên từ các huyện Mường Ảng, Tuần Giáo, Điện Biên Đông thường xuyên đi xe máy vào thành phố học tập, làm việc.",
				"Công an tỉnh đang xác minh, làm rõ tài khoản đăng tải ban đầu. Trường hợp có đủ căn cứ, người tung tin sai sự thật sẽ bị xử lý theo quy định của pháp luật về an ninh mạng và xử phạt vi phạm hành chính trong lĩnh vực thông tin.",
				"Sở Thông tin và Truyền thông khuyến cáo người dân chỉ tiếp nhận thông tin từ các nguồn chính thống như cổng thông tin điện tử của tỉnh, báo, đài địa phương; không chia sẻ, bình luận các bài viết chưa được kiểm chứng và kịp thời báo cho cơ quan chức năng khi phát hiện tin đồn có dấu hiệu vi phạm.",
			},
		},
		{
			Slug:    "dien-bien-phu-marks-anniversary-of-historic-victory",
			Title:   "Dien Bien Phu marks anniversary of historic victory",
			Summary: "Veterans, residents and visitors gathered in Dien Bien Phu city on 7 May to commemorate the anniversary of the 1954 victory that ended French colonial rule in Indochina.",
			Byline:  "Hoang Minh Chau",
			Section: "English",
			Lang:    "en",
			Topic:   "history",
			Tags:    []string{"Dien Bien Phu", "history", "anniversary", "veterans"},
			Paragraphs: []string{
				"Thousands of people filled the streets of Dien Bien Phu city on 7 May for ceremonies marking the anniversary of the Dien Bien Phu victory, the 1954 battle that brought an end to French colonial rule in Indochina and paved the way for the Geneva Accords.",
				"The day began with an incense-offering ceremony at the A1 Hill martyrs' cemetery, where veterans in faded uniforms and their families laid wreaths and paid tribute to the soldiers and porters who lost their lives during the 56-day campaign.",
				"Several veterans, now in their nineties, travelled from across the country to attend. Many of them walked slowly along the trenches preserved on A1 Hill and at the former command bunker of Colonel de Castries, sharing memories with students and young visitors.",
				"In the evening, an art programme at the city's central square retold the story of the campaign through music, dance and film. Troupes from the province's ethnic communities performed Thai xoe dances and Mong panpipe music alongside contemporary songs.",
				"Local officials said the anniversary was also an opportunity to promote Dien Bien as a destination for historical and cultural tourism. Museums and relic sites offered free admission during the week, and hotels in the city reported high occupancy.",
			},
		},
		{
			Slug:      "sat-lo-dat-gay-ach-tac-quoc-lo-12-doan-qua-muong-lay",
			Title:     "Sạt lở đất nghiêm trọng gây ách tắc Quốc lộ 12 đoạn qua Mường Lay",
			Summary:   "Hàng nghìn mét khối đất đá từ taluy dương đổ xuống mặt đường khiến Quốc lộ 12 đoạn qua thị xã Mường Lay bị ách tắc hoàn toàn từ sáng sớm, hàng trăm phương tiện phải dừng chờ.",
			Byline:    "Quàng Văn Sơn",
			Section:   "Thời sự",
			Lang:      "vi",
			Topic:     "landslide",
			Sensitive: true,
			Tags:      []string{"sạt lở", "Quốc lộ 12", "Mường Lay", "giao thông"},
			Paragraphs: []string{
				"Khoảng 5 giờ 30 sáng, trên Quốc lộ 12 thuộc địa phận thị xã Mường Lay, tỉnh Điện Biên, một khối đất đá lớn từ sườn đồi bất ngờ sạt lở, vùi lấp toàn bộ mặt đường trên chiều dài gần 50 mét. Rất may thời điểm xảy ra sự việc không có phương tiện nào đi qua nên không có thiệt hại về người.",
				"Theo đơn vị quản lý đường bộ, khối lượng đất đá sạt lở ước tính khoảng 4.000 mét khối, trong đó có nhiều tảng đá lớn. Nguyên nhân ban đầu được xác định do mưa lớn kéo dài nhiều ngày khiến nền đất trên taluy dương ngấm nước, mất ổn định.",
				"Ngay sau khi nhận được thông tin, lực lượng chức năng đã đặt biển cảnh báo, cử người túc trực hai đầu điểm sạt lở để phân luồng giao thông. Hàng trăm xe khách, xe tải chở hàng đi Lai Châu và các xã phía bắc phải dừng chờ hoặc quay đầu tìm tuyến khác.",
				"Đơn vị thi công đã huy động 4 máy xúc, 6 ô tô tải cùng hàng chục công nhân làm việc liên tục để san gạt, vận chuyển đất đá. Tuy nhiên, do trên sườn đồi vẫn còn nhiều vết nứt và đất đá tiếp tục rơi xuống nên công tác khắc phục phải vừa làm vừa theo dõi.",
				"Sở Giao thông vận tải tỉnh Điện Biên dự kiến có thể thông xe tạm thời một làn đường vào cuối ngày nếu thời tiết thuận lợi. Trong thời gian này, người đi từ thành phố Điện Biên Phủ lên Mường Lay được khuyến cáo đi đường vòng qua huyện Tuần Giáo.",
				"Chính quyền địa phương đề nghị người dân không dừng đỗ, không đi qua khu vực sạt lở khi chưa có hướng dẫn của lực lượng chức năng, đồng thời theo dõi bản tin thời tiết trước khi di chuyển trên các tuyến đường vùng cao trong mùa mưa.",
			},
		},
		{
			Slug:    "hoc-sinh-vung-cao-dien-bien-hao-hung-buoc-vao-nam-hoc-moi",
			Title:   "Học sinh vùng cao Điện Biên hào hứng bước vào năm học mới",
			Summary: "Hơn 200.000 học sinh các cấp trên địa bàn tỉnh Điện Biên đã dự lễ khai giảng, chính thức bước vào năm học mới với nhiều đổi mới về cơ sở vật chất và phương pháp dạy học.",
			Byline:  "Vì Thị Hoa",
			Section: "Giáo dục",
			Lang:    "vi",
			Topic:   "education",
			Tags:    []string{"giáo dục", "khai giảng", "học sinh", "vùng cao"},
			Paragraphs: []string{
				"Sáng 5/9, trong không khí tươi vui, các trường học trên địa bàn tỉnh Điện Biên đồng loạt tổ chức lễ khai giảng năm học mới. Từ thành phố Điện Biên Phủ đến những điểm trường xa xôi ở Mường Nhé, Nậm Pồ, tiếng trống khai trường vang lên trong niềm vui của thầy cô và học trò.",
				"Tại một trường phổ thông dân tộc bán trú ở huyện Nậm Pồ, các em học sinh người Mông, người Thái, người Dao trong trang phục truyền thống rực rỡ sắc màu xếp hàng ngay ngắn dưới sân trường. Nhiều em lần đầu đến lớp được các anh chị lớp trên dắt tay, hướng dẫn chỗ ngồi.",
				"Năm học này, toàn tỉnh có thêm hàng chục phòng học kiên cố, nhà bán trú và nhà công vụ cho giáo viên được đưa vào sử dụng. Nhiều trường được trang bị thêm máy tính, màn hình tương tác và thiết bị dạy học theo chương trình giáo dục phổ thông mới.",
				"Ngành giáo dục Điện Biên xác định nhiệm vụ trọng tâm là nâng cao chất lượng dạy tiếng Việt cho học sinh dân tộc thiểu số, duy trì sĩ số, hạn chế tình trạng bỏ học giữa chừng và tăng cường giáo dục kỹ năng sống.",
				"Các nhà hảo tâm, doanh nghiệp và đoàn thể cũng đã trao tặng hàng nghìn suất quà gồm sách vở, đồng phục, áo ấm và xe đạp cho học sinh có hoàn cảnh khó khăn, góp phần tiếp thêm động lực để các em tới trường.",
			},
		},
		{
			Slug:      "floods-displace-hundreds-of-families-in-dien-bien",
			Title:     "Floods displace hundreds of families in Dien Bien's border districts",
			Summary:   "Days of torrential rain have triggered floods and flash floods in the mountainous province of Dien Bien, cutting off villages in Muong Nhe and Nam Po districts and forcing hundreds of families to move to higher ground.",
			Byline:    "Hoang Minh Chau",
			Section:   "English",
			Lang:      "en",
			Topic:     "flood",
			Sensitive: true,
			Tags:      []string{"floods", "Dien Bien", "disaster relief", "weather"},
			Paragraphs: []string{
				"Heavy rain that began late last week has swollen rivers and streams across Dien Bien province, in Viet Nam's north-western mountains. Local authorities said floodwaters had damaged or submerged more than 300 houses, most of them in Muong Nhe and Nam Po, two remote districts near the borders with Laos and China.",
				"In several villages along the Nam Po river, the water rose by nearly three metres overnight. Residents said they had only minutes to carry children, elderly relatives and rice stocks to neighbours' homes on higher ground. Livestock and newly planted rice fields were swept away.",
				"The provincial disaster prevention committee said soldiers, border guards and police had been deployed to help evacuate about 450 households. Temporary shelters have been set up in schools and community halls, where families are receiving rice, drinking water, blankets and basic medicines.",
				"Flooding has also damaged sections of provincial roads, leaving at least a dozen villages cut off. Relief teams are carrying supplies on foot and by motorbike along mountain paths while excavators work to reopen the roads.",
				"Forecasters warned that more rain is expected over the coming days, keeping the risk of flash floods and landslides high across the province's northern districts. People living near streams and steep slopes have been urged to move to safe locations and to avoid crossing flooded fords.",
				"Provincial leaders said an initial assessment of losses was under way and that emergency support would go to families whose homes were destroyed, with priority for poor households and ethnic minority communities.",
			},
		},
		{
			Slug:    "hop-tac-xa-canh-dong-muong-thanh-mo-rong-lien-ket-san-xuat-gao",
			Title:   "Hợp tác xã trên cánh đồng Mường Thanh mở rộng liên kết sản xuất gạo sạch",
			Summary: "Nhờ liên kết với doanh nghiệp bao tiêu sản phẩm, một hợp tác xã nông nghiệp ở huyện Điện Biên đã mở rộng diện tích lúa đặc sản, giúp hàng trăm hộ thành viên tăng thu nhập.",
			Byline:  "Quàng Văn Sơn",
			Section: "Kinh tế",
			Lang:    "vi",
			Topic:   "agriculture",
			Tags:    []string{"hợp tác xã", "gạo Điện Biên", "nông nghiệp", "liên kết sản xuất"},
			Paragraphs: []string{
				"Cánh đồng Mường Thanh từ lâu được biết đến là vựa lúa lớn nhất vùng Tây Bắc, nơi cho ra những hạt gạo dẻo thơm mang thương hiệu gạo Điện Biên. Những năm gần đây, nhiều hộ nông dân tại đây đã cùng nhau thành lập hợp tác xã để sản xuất theo chuỗi thay vì canh tác nhỏ lẻ như trước.",
				"Một hợp tác xã tại xã Thanh Xương, huyện Điện Biên hiện có hơn 150 hộ thành viên với gần 120 ha lúa đặc sản. Các thành viên thống nhất sử dụng giống lúa, lịch thời vụ và quy trình chăm sóc, hạn chế thuốc bảo vệ thực vật, ghi chép nhật ký đồng ruộng đầy đủ.",
				"Điểm mới của vụ này là hợp tác xã đã ký hợp đồng bao tiêu với một doanh nghiệp chế biến, phân phối gạo tại Hà Nội. Doanh nghiệp cam kết thu mua toàn bộ sản phẩm với giá cao hơn thị trường từ 10 đến 15%, đồng thời hỗ trợ bao bì và tem truy xuất nguồn gốc.",
				"Nhờ đó, thu nhập của các hộ thành viên tăng rõ rệt. Nhiều gia đình cho biết mỗi sào ruộng nay mang lại lợi nhuận cao hơn trước, lại không còn lo cảnh được mùa mất giá hay phải bán lúa non cho thương lái.",
				"Ngành nông nghiệp huyện Điện Biên đánh giá mô hình hợp tác xã liên kết với doanh nghiệp là hướng đi phù hợp, cần được nhân rộng. Thời gian tới, địa phương sẽ tiếp tục hỗ trợ các hợp tác xã ứng dụng cơ giới hóa, xây dựng kho bảo quản và quảng bá sản phẩm trên các sàn thương mại điện tử.",
			},
		},
		{
			Slug:      "ho-dan-khieu-nai-muc-boi-thuong-giai-phong-mat-bang-duong-vanh-dai",
			Title:     "Nhiều hộ dân ở Điện Biên Phủ khiếu nại mức bồi thường giải phóng mặt bằng dự án đường vành đai",
			Summary:   "Hơn 40 hộ dân tại thành phố Điện Biên Phủ đã gửi đơn khiếu nại vì cho rằng đơn giá bồi thường đất ở và tài sản trên đất thuộc dự án đường vành đai phía Đông thấp hơn nhiều so với giá thị trường.",
			Byline:    "Nguyễn Hải Đăng",
			Section:   "Xã hội",
			Lang:      "vi",
			Topic:     "land-compensation",
			Sensitive: true,
			Tags:      []string{"bồi thường", "giải phóng mặt bằng", "khiếu nại", "Điện Biên Phủ"},
			Paragraphs: []string{
				"Dự án đường vành đai phía Đông thành phố Điện Biên Phủ có tổng chiều dài gần 6 km, đi qua địa bàn hai phường và một xã, với tổng mức đầu tư hơn 300 tỷ đồng. Để thực hiện dự án, thành phố phải thu hồi đất của khoảng 200 hộ gia đình, trong đó nhiều hộ bị ảnh hưởng toàn bộ đất ở.",
				"Theo phản ánh của các hộ dân ở hai tổ dân phố, đơn giá bồi thường đất ở được áp dụng chỉ bằng khoảng một nửa giá chuyển nhượng thực tế trong khu vực. Một số gia đình cho biết với số tiền được nhận, họ không đủ để mua lại một lô đất tương đương gần nơi ở cũ.",
				"Ngoài giá đất, người dân còn khiếu nại việc kiểm đếm tài sản trên đất chưa đầy đủ, nhiều công trình phụ và cây trồng lâu năm không được đưa vào phương án. Một số hộ cho rằng phương án bồi thường, hỗ trợ và tái định cư chưa được thông báo rộng rãi.",
				"Trả lời phóng viên, đại diện Ban Quản lý dự án thành phố cho biết đơn giá bồi thường được xây dựng theo bảng giá đất và hệ số điều chỉnh do UBND tỉnh Điện Biên ban hành. Đơn vị đã tiếp nhận đầy đủ đơn thư và đang phối hợp với các phòng chuyên môn rà soát lại từng trường hợp cụ thể.",
				"Cũng theo ban quản lý dự án, khu tái định cư phục vụ công trình đã hoàn thành hạ tầng kỹ thuật; các hộ đủ điều kiện sẽ được bố trí đất tái định cư và hưởng các khoản hỗ trợ ổn định đời sống, chuyển đổi nghề nghiệp theo quy định.",
				"Hiện tiến độ giải phóng mặt bằng của dự án mới đạt khoảng 60%. UBND thành phố Điện Biên Phủ cho biết sẽ tổ chức đối thoại trực tiếp với các hộ dân trong tháng tới để giải đáp kiến nghị, bảo đảm quyền lợi hợp pháp của người dân và tiến độ công trình.",
			},
		},
		{
			Slug:    "dien-bien-phu-voyage-sur-les-traces-de-l-histoire",
			Title:   "Dien Bien Phu, un voyage sur les traces de l'histoire",
			Summary: "Soixante-dix ans après la bataille, la cuvette de Dien Bien Phu attire de plus en plus de visiteurs étrangers, dont de nombreux Français venus découvrir les sites historiques et la culture des peuples du Nord-Ouest.",
			Byline:  "Đỗ Minh Ngọc",
			Section: "Français",
			Lang:    "fr",
			Topic:   "tourism",
			Tags:    []string{"tourisme", "histoire", "Dien Bien Phu", "patrimoine"},
			Paragraphs: []string{
				"Au cœur des montagnes du Nord-Ouest du Vietnam, la plaine de Muong Thanh accueille chaque année des milliers de visiteurs venus du monde entier. Parmi eux, de nombreux Français, anciens combattants, descendants ou simples passionnés d'histoire, viennent voir de leurs propres yeux les lieux de la bataille de 1954.",
				"Le parcours commence souvent par le musée de la Victoire historique de Dien Bien Phu, dont l'architecture évoque un chapeau de feuilles. Les collections, présentées en vietnamien, en anglais et en français, retracent les cinquante-six jours du siège à travers des objets, des photographies et des cartes.",
				"Les visiteurs se rendent ensuite sur la colline A1, où des tranchées et un char ont été conservés, puis à l'ancien poste de commandement du colonel de Castries. Beaucoup terminent la journée au cimetière des soldats tombés pendant la campagne, un lieu de recueillement très émouvant.",
				"Au-delà de l'histoire, la région séduit par ses paysages de rizières, ses villages thaïs aux maisons sur pilotis et sa cuisine parfumée. Plusieurs familles des villages voisins proposent désormais un hébergement chez l'habitant, apprécié des voyageurs en quête d'authenticité.",
				"Les autorités de la province de Dien Bien souhaitent développer un tourisme durable, fondé sur la mémoire et les cultures locales. De nouveaux itinéraires de randonnée et des visites guidées en français sont en préparation pour la prochaine saison.",
			},
		},
		{
			Slug:      "glissement-de-terrain-coupe-une-route-a-dien-bien-dong",
			Title:     "Un glissement de terrain coupe une route provinciale à Dien Bien Dong",
			Summary:   "Après plusieurs jours de pluies intenses, un important glissement de terrain a enseveli un tronçon de route dans le district montagneux de Dien Bien Dong, isolant temporairement plusieurs villages.",
			Byline:    "Đỗ Minh Ngọc",
			Section:   "Français",
			Lang:      "fr",
			Topic:     "landslide",
			Sensitive: true,
			Tags:      []string{"glissement de terrain", "Dien Bien", "intempéries", "routes"},
			Paragraphs: []string{
				"Dans la nuit de mardi à mercredi, des milliers de mètres cubes de terre et de roches se sont détachés d'un versant qui surplombe la route provinciale reliant le chef-lieu du district de Dien Bien Dong aux communes frontalières. La chaussée a été entièrement recouverte sur une soixantaine de mètres.",
				"Selon les autorités locales, aucune victime n'est à déplorer, mais deux maisons situées en contrebas ont été endommagées et une dizaine de familles ont dû être relogées provisoirement chez des proches ou dans l'école du village.",
				"Les services provinciaux des transports ont dépêché trois pelleteuses et une vingtaine d'ouvriers pour dégager la route. Les travaux avancent lentement, car de nouvelles fissures sont apparues sur la pente et des blocs continuent de tomber après chaque averse.",
				"Ce glissement de terrain survient après une semaine de pluies exceptionnelles sur la province de Dien Bien, dans le nord-ouest du Vietnam. Les météorologues prévoient encore de fortes précipitations dans les prochains jours, ce qui maintient un risque élevé dans les districts de montagne.",
				"Le comité provincial de prévention des catastrophes a demandé aux habitants d'éviter les zones à risque, de ne pas emprunter les routes de montagne pendant les fortes pluies et de signaler immédiatement toute fissure ou tout mouvement de sol aux autorités.",
			},
		},
		{
			Slug:    "chuyen-doi-so-dua-dich-vu-cong-den-gan-nguoi-dan-vung-cao",
			Title:   "Chuyển đổi số đưa dịch vụ công đến gần hơn với người dân vùng cao",
			Summary: "Các tổ công nghệ số cộng đồng ở huyện Điện Biên Đông đang giúp người dân làm quen với dịch vụ công trực tuyến, thanh toán không dùng tiền mặt và bán nông sản qua mạng.",
			Byline:  "Trần Minh Khôi",
			Section: "Công nghệ",
			Lang:    "vi",
			Topic:   "digital-transformation",
			Tags:    []string{"chuyển đổi số", "dịch vụ công trực tuyến", "Điện Biên Đông", "công nghệ"},
			Paragraphs: []string{
				"Chỉ với chiếc điện thoại thông minh, nhiều người dân ở các xã vùng cao huyện Điện Biên Đông giờ đây có thể tự nộp hồ sơ đăng ký khai sinh, xin cấp giấy tờ hay tra cứu thông tin mà không cần đi lại nhiều lần đến trụ sở xã như trước.",
				"Để có được kết quả này, huyện đã thành lập tổ công nghệ số cộng đồng tại tất cả các xã, bản với thành viên là cán bộ xã, trưởng bản, đoàn viên thanh niên và giáo viên. Các tổ đến từng nhà hướng dẫn người dân cài đặt ứng dụng, tạo tài khoản định danh điện tử và sử dụng các tiện ích cơ bản.",
				"Tại bộ phận một cửa của nhiều xã, khu vực hỗ trợ dịch vụ công trực tuyến luôn có cán bộ túc trực. Người dân đến làm thủ tục được hướng dẫn từng bước, từ chụp ảnh giấy tờ đến thanh toán lệ phí qua ứng dụng ngân hàng.",
				"Không chỉ trong lĩnh vực hành chính, chuyển đổi số còn mở ra cơ hội mới cho sản xuất. Một số hộ trồng chè, nuôi ong đã biết phát trực tiếp giới thiệu sản phẩm, nhận đơn hàng qua mạng xã hội và gửi hàng đi các tỉnh miền xuôi.",
				"Dù vậy, hạ tầng viễn thông ở một số bản vùng sâu vẫn còn hạn chế, nhiều người cao tuổi chưa quen sử dụng công nghệ. Huyện đang phối hợp với các doanh nghiệp viễn thông lắp thêm trạm phát sóng và tiếp tục mở các lớp hướng dẫn kỹ năng số bằng tiếng dân tộc.",
			},
		},
		{
			Slug:      "hon-20-hoc-sinh-ban-tru-o-tuan-giao-nhap-vien-nghi-ngo-doc-thuc-pham",
			Title:     "Hơn 20 học sinh bán trú ở Tuần Giáo nhập viện nghi ngộ độc thực phẩm",
			Summary:   "Sau bữa trưa tại bếp ăn bán trú, 23 học sinh một trường tiểu học ở huyện Tuần Giáo, tỉnh Điện Biên có biểu hiện đau bụng, buồn nôn và được đưa đi cấp cứu; sức khỏe các em hiện đã ổn định.",
			Byline:    "Lường Thị Thu",
			Section:   "Y tế",
			Lang:      "vi",
			Topic:     "food-safety",
			Sensitive: true,
			Tags:      []string{"ngộ độc thực phẩm", "an toàn thực phẩm", "Tuần Giáo", "trường học"},
			Paragraphs: []string{
				"Khoảng 14 giờ chiều, nhiều học sinh một trường tiểu học bán trú ở xã vùng cao của huyện Tuần Giáo bắt đầu có biểu hiện đau bụng, buồn nôn, một số em bị nôn và sốt nhẹ. Nhà trường đã báo cáo chính quyền địa phương và phối hợp với trạm y tế xã đưa các em đến Trung tâm Y tế huyện Tuần Giáo để theo dõi, điều trị.",
				"Theo báo cáo ban đầu, trưa cùng ngày bếp ăn bán trú của trường phục vụ 180 suất ăn gồm cơm, canh rau, thịt lợn rang và đậu phụ sốt cà chua. Các em có triệu chứng đều ăn tại bếp ăn của trường; thực phẩm được nhập từ một cơ sở kinh doanh ở trung tâm huyện.",
				"Bác sĩ Trung tâm Y tế huyện cho biết các em nhập viện trong tình trạng tỉnh táo, được truyền dịch, bù điện giải và dùng thuốc điều trị triệu chứng. Đến sáng hôm sau, 17 em đã ổn định sức khỏe và được gia đình đón về, số còn lại tiếp tục được theo dõi.",
				"Ngay trong đêm, đoàn công tác của Sở Y tế và Chi cục An toàn vệ sinh thực phẩm tỉnh Điện Biên đã có mặt tại trường, niêm phong bếp ăn, lấy mẫu thức ăn lưu, nước sinh hoạt và mẫu bệnh phẩm gửi đi xét nghiệm để xác định nguyên nhân vụ ngộ độc thực phẩm.",
				"Phòng Giáo dục và Đào tạo huyện Tuần Giáo đã yêu cầu tất cả các trường có tổ chức bán trú trên địa bàn kiểm tra lại nguồn gốc thực phẩm, quy trình chế biến, lưu mẫu thức ăn và điều kiện vệ sinh bếp ăn. Nhà trường tạm thời cho học sinh ăn trưa tại gia đình trong thời gian chờ kết quả xét nghiệm.",
			},
		},
		{
			Slug:    "thong-xe-cau-moi-bac-qua-song-nam-rom",
			Title:   "Thông xe cầu mới bắc qua sông Nậm Rốm, rút ngắn đường vào trung tâm thành phố",
			Summary: "Cây cầu bê tông cốt thép dài 180 mét bắc qua sông Nậm Rốm vừa được đưa vào sử dụng, giúp người dân các xã phía Tây thành phố Điện Biên Phủ đi lại thuận tiện hơn.",
			Byline:  "Nguyễn Hải Đăng",
			Section: "Kinh tế",
			Lang:    "vi",
			Topic:   "infrastructure",
			Tags:    []string{"giao thông", "hạ tầng", "Điện Biên Phủ", "sông Nậm Rốm"},
			Paragraphs: []string{
				"Sáng nay, UBND thành phố Điện Biên Phủ tổ chức lễ thông xe cây cầu mới bắc qua sông Nậm Rốm cùng tuyến đường dẫn hai đầu cầu. Công trình có tổng chiều dài hơn 1,2 km, trong đó phần cầu dài 180 mét, mặt cầu rộng 12 mét với hai làn xe cơ giới và vỉa hè cho người đi bộ.",
				"Sau gần hai năm thi công, công trình hoàn thành sớm hơn kế hoạch khoảng ba tháng. Nhà thầu đã tổ chức làm việc theo ca, tận dụng những tháng mùa khô để đẩy nhanh các hạng mục móng trụ và dầm cầu.",
				"Trước đây, người dân các xã phía Tây thành phố muốn vào trung tâm phải đi vòng qua cầu cũ, quãng đường dài thêm khoảng 5 km và thường xuyên ùn tắc vào giờ cao điểm. Khi cây cầu mới đi vào hoạt động, thời gian di chuyển rút ngắn chỉ còn khoảng 10 phút.",
				"Một người dân trồng rau cung cấp cho chợ thành phố cho biết, nay có cầu mới, việc chở hàng thuận lợi hơn nhiều, rau đến chợ vẫn còn tươi, chi phí xăng xe cũng giảm đáng kể.",
				"Theo lãnh đạo thành phố, công trình không chỉ phục vụ nhu cầu đi lại mà còn mở rộng không gian phát triển đô thị về phía Tây, tạo điều kiện thu hút đầu tư dịch vụ, du lịch dọc hai bên bờ sông Nậm Rốm.",
			},
		},
		{
			Slug:    "soi-noi-giai-bong-chuyen-cac-dan-toc-tinh-dien-bien",
			Title:   "Sôi nổi giải bóng chuyền các dân tộc tỉnh Điện Biên",
			Summary: "Hơn 300 vận động viên đến từ các huyện, thị xã, thành phố đã tranh tài tại giải bóng chuyền các dân tộc tỉnh Điện Biên, mang đến những trận đấu hấp dẫn cho khán giả.",
			Byline:  "Lò Văn Tâm",
			Section: "Thể thao",
			Lang:    "vi",
			Topic:   "sports",
			Tags:    []string{"thể thao", "bóng chuyền", "Điện Biên", "phong trào"},
			Paragraphs: []string{
				"Trong 5 ngày thi đấu tại Nhà thi đấu thể thao tỉnh, giải bóng chuyền các dân tộc tỉnh Điện Biên năm nay đã thu hút 24 đội nam và nữ tham gia. Các vận động viên đều là những người chơi phong trào ở cơ sở: nông dân, giáo viên, cán bộ xã và chiến sĩ lực lượng vũ trang.",
				"Ngay từ vòng bảng, nhiều trận đấu đã diễn ra hết sức kịch tính. Những pha đập bóng uy lực, cứu bóng ngoạn mục liên tục khiến khán đài vỡ òa. Đội nam huyện Tuần Giáo và đội nữ huyện Mường Chà được đánh giá là những ứng cử viên sáng giá cho chức vô địch.",
				"Trận chung kết nội dung nam giữa đội thành phố Điện Biên Phủ và đội huyện Tuần Giáo kéo dài tới 5 hiệp. Với lối chơi bền bỉ và sự cổ vũ nhiệt tình của hàng nghìn khán giả, đội Tuần Giáo đã giành chiến thắng chung cuộc 3-2 để lên ngôi vô địch.",
				"Ở nội dung nữ, đội huyện Mường Chà thể hiện sự vượt trội khi không để thua hiệp nào trong suốt giải đấu. Nhiều cầu thủ nữ người Thái, người Mông gây ấn tượng mạnh với kỹ thuật chuyền bóng chính xác và tinh thần thi đấu quyết tâm.",
				"Ban tổ chức cho biết giải đấu là dịp để phát hiện, tuyển chọn vận động viên có năng khiếu bổ sung cho đội tuyển tỉnh, đồng thời góp phần đẩy mạnh phong trào rèn luyện thân thể, tăng cường giao lưu, đoàn kết giữa các dân tộc trên địa bàn.",
			},
		},
		{
			Slug:    "thu-vien-luu-dong-mang-sach-len-ban-vung-cao-tua-chua",
			Title:   "Thư viện lưu động mang sách lên các bản vùng cao Tủa Chùa",
			Summary: "Những chuyến xe thư viện lưu động của Thư viện tỉnh Điện Biên đã mang hàng nghìn cuốn sách, báo đến với học sinh và người dân các bản vùng cao huyện Tủa Chùa.",
			Byline:  "Quàng Thị Mai",
			Section: "Văn hóa",
			Lang:    "vi",
			Topic:   "culture",
			Tags:    []string{"thư viện", "văn hóa đọc", "Tủa Chùa", "học sinh"},
			Paragraphs: []string{
				"Sáng sớm, chiếc xe thư viện lưu động đã có mặt ở sân trường tiểu học trung tâm một xã vùng cao của huyện Tủa Chùa. Chỉ ít phút sau khi những giá sách được dựng lên, hàng trăm học sinh đã ùa ra, háo hức chọn những cuốn truyện tranh, sách khoa học và sách kỹ năng sống.",
				"Mỗi chuyến đi, xe chở theo khoảng 3.000 cuốn sách thuộc nhiều chủ đề, cùng máy tính, máy chiếu phục vụ các hoạt động đọc sách và chiếu phim tài liệu. Cán bộ thư viện còn tổ chức trò chơi, thi kể chuyện theo sách và hướng dẫn các em cách giữ gìn sách.",
				"Với học sinh vùng cao, nơi sách báo còn thiếu thốn, mỗi lần xe thư viện về trường giống như một ngày hội. Nhiều em đọc say sưa đến quên cả giờ ra về, có em xin mượn thêm sách để mang về đọc cho em nhỏ ở nhà.",
				"Không chỉ phục vụ học sinh, thư viện lưu động còn mang đến những cuốn sách hướng dẫn kỹ thuật trồng trọt, chăn nuôi, chăm sóc sức khỏe cho người dân. Các tài liệu được lựa chọn phù hợp với điều kiện sản xuất và đời sống ở địa phương.",
				"Từ đầu năm đến nay, Thư viện tỉnh đã thực hiện hơn 40 chuyến xe lưu động đến các huyện Tủa Chùa, Mường Nhé, Nậm Pồ và Điện Biên Đông, phục vụ trên 25.000 lượt bạn đọc. Thời gian tới, thư viện sẽ tiếp tục luân chuyển sách tới các điểm trường lẻ, góp phần phát triển văn hóa đọc ở vùng sâu, vùng xa.",
			},
		},
		{
			Slug:    "kham-sang-loc-mien-phi-cho-nguoi-cao-tuoi-o-muong-nhe",
			Title:   "Khám sàng lọc miễn phí cho hơn 1.000 người cao tuổi ở Mường Nhé",
			Summary: "Đoàn y, bác sĩ của Bệnh viện Đa khoa tỉnh Điện Biên đã khám, tư vấn sức khỏe và cấp thuốc miễn phí cho người cao tuổi tại ba xã biên giới của huyện Mường Nhé.",
			Byline:  "Lường Thị Thu",
			Section: "Y tế",
			Lang:    "vi",
			Topic:   "health",
			Tags:    []string{"y tế", "người cao tuổi", "Mường Nhé", "khám bệnh"},
			Paragraphs: []string{
				"Trong ba ngày, đoàn công tác gồm 20 y, bác sĩ thuộc các chuyên khoa nội, mắt, tai mũi họng, răng hàm mặt đã có mặt tại các xã biên giới của huyện Mường Nhé để khám sàng lọc cho người cao tuổi. Tại mỗi điểm khám, người dân được đo huyết áp, xét nghiệm đường huyết, siêu âm và tư vấn chế độ dinh dưỡng.",
				"Từ sáng sớm, nhiều cụ già người Hà Nhì, người Mông, người Dao đã được con cháu đưa đến trạm y tế xã. Có cụ phải đi bộ hơn một giờ đồng hồ đường núi để được bác sĩ khám mắt, đo huyết áp.",
				"Qua thăm khám, các bác sĩ phát hiện nhiều trường hợp tăng huyết áp, đái tháo đường, đục thủy tinh thể nhưng chưa từng được chẩn đoán. Những trường hợp cần điều trị chuyên sâu được tư vấn chuyển lên tuyến trên, riêng người bệnh đục thủy tinh thể sẽ được hỗ trợ phẫu thuật miễn phí.",
				"Bên cạnh việc khám bệnh, đoàn còn tập huấn cho nhân viên y tế thôn bản về cách phát hiện sớm các bệnh mạn tính thường gặp ở người cao tuổi, hướng dẫn người dân dùng thuốc đúng liều và theo dõi sức khỏe tại nhà.",
				"Lãnh đạo Sở Y tế tỉnh Điện Biên cho biết các chương trình khám sàng lọc sẽ được duy trì định kỳ tại các huyện vùng cao, đồng thời đẩy mạnh khám chữa bệnh từ xa để người dân vùng sâu, vùng xa được tiếp cận dịch vụ y tế chất lượng.",
			},
		},
	}
}
