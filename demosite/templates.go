package demosite

// pageTemplates mimics the markup of a Vietnamese provincial news site:
// navigation, breadcrumb, ads, related links and reader comments surround
// the article so that extractors are tested against realistic boilerplate.
// Every element is closed explicitly; the tests check that the output is
// balanced.
const pageTemplates = `
{{define "head"}}<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<meta name="description" content="{{.Description}}">
<link rel="canonical" href="{{.Canonical}}">
<link rel="alternate" type="application/rss+xml" title="{{.SiteName}}" href="/rss.xml">
<style>
body{font-family:Arial,sans-serif;margin:0;color:#222}
.wrap{max-width:980px;margin:0 auto;padding:0 12px}
.site-header{background:#0b5d3b;color:#fff}
.site-header a{color:#fff;text-decoration:none}
.menu{display:flex;flex-wrap:wrap;gap:14px;list-style:none;padding:8px 0;margin:0}
.ads{background:#f4f4f4;border:1px dashed #bbb;padding:8px;margin:12px 0;font-size:13px}
.sapo{font-weight:bold}
#comments .comment{border-top:1px solid #eee;padding:6px 0}
.site-footer{background:#eee;font-size:13px;margin-top:24px;padding:12px 0}
</style>
{{end}}

{{define "header"}}<header class="site-header">
<div class="wrap">
<div class="brand"><a href="/" class="logo">{{.SiteName}}</a> <span class="tagline">{{.Tagline}}</span></div>
<nav class="main-nav" aria-label="Chuyên mục">
<ul class="menu">
{{range .Nav}}<li><a href="{{.Href}}">{{.Name}}</a></li>
{{end}}</ul>
</nav>
</div>
</header>
{{end}}

{{define "ad"}}<div class="ads"><span class="ad-label">{{.Label}}</span> <a href="/" rel="sponsored nofollow">{{.Text}}</a></div>
{{end}}

{{define "footer"}}<footer class="site-footer">
<div class="wrap">
<p class="footer-name"><strong>{{.SiteName}}</strong> – {{.Tagline}}</p>
<address>Tòa soạn: Số 18 đường Hoa Ban, phường Mường Thanh, thành phố Điện Biên Phủ, tỉnh Điện Biên. Điện thoại: 0215 3 800 000. Email: toasoan@baohoaban.example</address>
<p class="disclaimer">Trang tin mô phỏng dùng để trình diễn presswatch; mọi sự kiện, nhân vật và quảng cáo đều là hư cấu.</p>
<p class="copyright">© {{.Year}} {{.SiteName}}. <a href="/rss.xml">RSS</a> · <a href="/sitemap-news.xml">Sitemap</a></p>
</div>
</footer>
{{end}}

{{define "list"}}<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
{{template "head" .}}</head>
<body>
{{template "header" .}}<div class="wrap">
{{with index .Ads 0}}{{template "ad" .}}{{end}}<main class="home">
<h1 class="section-title">{{.Heading}}</h1>
{{if .Entries}}<ul class="latest">
{{range .Entries}}<li class="story">
<h2 class="story-title"><a href="{{.Path}}">{{.Title}}</a></h2>
<p class="story-meta"><span class="story-section">{{.Section}}</span> · <time datetime="{{.ISO}}">{{.Display}}</time></p>
<p class="story-summary">{{.Summary}}</p>
</li>
{{end}}</ul>
{{else}}<p class="empty">Chưa có bài viết trong chuyên mục này.</p>
{{end}}</main>
<aside class="sidebar">
{{range .Ads}}{{template "ad" .}}{{end}}</aside>
</div>
{{template "footer" .}}</body>
</html>
{{end}}

{{define "article"}}<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
{{template "head" .}}<meta name="author" content="{{.Article.Byline}}">
<meta property="og:type" content="article">
<meta property="og:title" content="{{.Article.Title}}">
<meta property="og:description" content="{{.Article.Summary}}">
<meta property="og:url" content="{{.Article.URL}}">
<meta property="og:site_name" content="{{.SiteName}}">
<meta property="article:published_time" content="{{.Article.ISO}}">
<meta property="article:section" content="{{.Article.Section}}">
<script type="application/ld+json">{{.LD}}</script>
</head>
<body>
{{template "header" .}}<div class="wrap">
<nav class="breadcrumb" aria-label="breadcrumb"><a href="/">Trang chủ</a> › <a href="{{.Article.SectionHref}}">{{.Article.Section}}</a></nav>
{{with index .Ads 0}}{{template "ad" .}}{{end}}<main>
{{with .Article}}<article class="detail">
<h1 class="title">{{.Title}}</h1>
<p class="meta"><span class="byline">{{.Byline}}</span> · <time datetime="{{.ISO}}">{{.Display}}</time></p>
<p class="sapo">{{.Summary}}</p>
<div class="content">
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}</div>
<ul class="tags">
{{range .Tags}}<li class="tag">{{.}}</li>
{{end}}</ul>
</article>
{{end}}{{with index .Ads 1}}{{template "ad" .}}{{end}}{{with .Article}}<aside class="related">
<h2>Tin liên quan</h2>
<ul>
{{range .Related}}<li><a href="{{.Path}}">{{.Title}}</a></li>
{{end}}</ul>
</aside>
<section id="comments">
<h2>Bình luận ({{len .Comments}})</h2>
<ul class="comment-list">
{{range .Comments}}<li class="comment"><span class="comment-author">{{.Author}}</span>
<p class="comment-body">{{.Text}}</p></li>
{{end}}</ul>
</section>
{{end}}</main>
{{with index .Ads 2}}{{template "ad" .}}{{end}}</div>
{{template "footer" .}}</body>
</html>
{{end}}
`
