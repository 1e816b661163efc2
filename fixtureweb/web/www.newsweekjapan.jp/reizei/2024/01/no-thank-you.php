<!DOCTYPE html>
<html lang="ja">
<head>
<!-- [fixture: ADDED for the fixture: doctype, <html>, <head> start and every tag up to this comment's end marker (charset, title, OGP, Cxense author). The real page's head is not in the excerpt] -->
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>「No, thank you.」の消滅......アメリカは日本化しているのか? | プリンストン発　日本／アメリカ 新時代 | ニューズウィーク日本版 オフィシャルサイト</title>
<meta name="description" content="日本でもアメリカでも、ネットを介した短いコミュニケーションで関係性を悪化させないための知恵が必要に">
<meta property="og:title" content="「No, thank you.」の消滅......アメリカは日本化しているのか?">
<meta property="og:type" content="article">
<meta property="og:url" content="https://www.newsweekjapan.jp/reizei/2024/01/no-thank-you.php">
<meta property="og:image" content="https://www.newsweekjapan.jp/images/ogp.png">
<meta property="og:site_name" content="Newsweek日本版">
<meta property="og:description" content="日本でもアメリカでも、ネットを介した短いコミュニケーションで関係性を悪化させないための知恵が必要に">
<meta name="twitter:card" content="summary_large_image">
<meta property="article:published_time" content="2024-01-31T15:00:00+09:00">
<meta property="cXenseParse:author" content="冷泉彰彦">
<meta name="cXenseParse:pageclass" content="article">
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="/css/common.css?20231201" type="text/css">
<link rel="stylesheet" href="/css/print.css" type="text/css" media="print"/>
<script src="https://ajax.googleapis.com/ajax/libs/jquery/3.6.0/jquery.min.js"></script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});})(window,document,'script','dataLayer','GTM-5QVKT8');</script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>var googletag = googletag || {}; googletag.cmd = googletag.cmd || []; googletag.cmd.push(function() { googletag.defineSlot('/117786882/Newsweek/NW_PC_300x250_right_1st', [300, 250], 'div-gpt-ad-right-1st').addService(googletag.pubads()); });</script>
<!-- [fixture: end of added head tags; the verbatim excerpt follows] -->
<!-- RESEARCH EXCERPT, NOT A COMPLETE PAGE. Verbatim text copied from a stored public file (see SOURCES.md);
     the stored file itself is a corrupted concatenation (it starts mid-<head> and is spliced into unrelated JS
     after the WorldVoice block). Page URL (from the page's own JS): https://www.newsweekjapan.jp/reizei/2024/01/no-thank-you.php
     Sections marked "[omitted]" were dropped only for size (ad/analytics JS). Everything else is verbatim. -->
<!-- Cxense Module: クライアントリンク 20231113-->
<div id="cx_aa462371e924281a37ddbbf29c582c7140f5fa2a"></div>
<!-- [omitted: GA _gaq script, cxpublic CCCMediaHouse.js, impact-ad unitag] -->
<!-- /page_setting_nw -->


	<link rel="stylesheet" href="/css/print.css" type="text/css" media="print"/>


<!-- HeatMapTag -->

<!-- fb-pixel -->

<!-- head_end -->

</head>

<body id="voices" class=" ">
<!-- Google Tag Manager (noscript) -->
<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-5QVKT8"
height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>
<!-- End Google Tag Manager (noscript) -->


<div id="fb-root"></div>
<!-- [omitted: facebook-jssdk loader script] -->

<!-- container -->
<div id="container" class="blog">
<!-- ad_interstitial_profitx 20230619 -->
<script src="https://fam.adingo.jp/fluct-one/newsweekjapan/o.js"></script>

<!-- 20230407 dmp -->
<!-- [omitted: Treasure Data DMP scripts] -->
<!-- /20230407 dmp -->

<!-- bnrHead -->
<div id="bnrHead" class="imgOver">
<!-- スーパーバナー_全ページ -->
<!-- 20230725 -->
<!-- [omitted: adsbygoogle 728x90 header banner] -->
<!-- /20230725 -->
</div>
<!-- /bnrHead -->

<div id="head">
	<div class="header_inner">
		<!-- naviWrap -->
		<div id="naviWrap" class="clearfix">
			<ul id="navi" class="rollover clearfix">
			    <li class="nav_global"><a href="http://www.newsweek.com/" target="_blank"><span class="icon"></span>Newsweek.com</a></li> 
			    <li class="nav_search">
			    	<span class="icon"></span>
					<form id="cse-search-box" action="/search/" method="get">
					    <input type="text" name="q" class="l-search__text" id="searchinput" placeholder="サイト内検索"/>
				  　</form>
					<script type="text/javascript" src="//www.google.com/cse/brand?form=cse-search-box&lang=ja"></script>
				</li>

			    <li class="nav_magazine"><a href="/magazine/">本誌紹介<span class="arrow_left_w"></span></a></li>
			    <li class="nav_subscription"><a href="https://fujisan.co.jp/pc/web-nwj" target="_blank">お得な定期購読<span class="arrow_left_w"></span></a></li>
			</ul>
		</div>
		<!-- /naviWrap -->


		<!-- categoryNaviWrap -->
		<ul id="categoryNaviWrap" class="rollover clearfix">

		    <script src="/js/login_status.js"></script>
		    <li class="js-login" style="display:none">
		      <a href="__%url%__" onClick="return login_save_url();">ログイン</a>
		    </li>
		    <li class="js-mypage nav_paywall member" style="display:none">
		      <a href="javascript:void(0)">会員情報</a>
	 			<div>
	 				<ul>
	 				<li><a href="__%url%__">マイページ</a></li>
	 				<li> <a href="__%logout_url%__" onClick="return login_save_url('logout');">ログアウト</a></li> 		
	 				</ul>
	 			</div>		                
		    </li>

			<li class="nav_stories"><a class="txt_col_rd" href="/stories/">最新記事</a></li>
			<li class="nav_column"><a class="txt_col_gr" href="/column/">コラム一覧</a></li>
			<li class="nav_headlines"><a class="txt_col_bl" href="/headlines/">ニュース速報</a></li>
			<li class="nav_ranking"><a class="txt_col_rd" href="#sideRankingPanel">ランキング</a></li>
			<li class="nav_worldvoice"><a class="txt_col_rd" href="/worldvoice/">WorldVoice</a></li>
			<li class="nav_asteion"><a class="txt_col_rd" href="/asteion/">WEBアステイオン</a></li>
		</ul>
		<!-- /categoryNaviWrap -->
		
		<!-- logoWrap -->
		<div id="logo"><a href="/"><img src="/images/header/logo.gif" width="382" height="57" alt="Newsweek" title="Newsweek" /></a></div>
		<!-- /logoWrap -->
		
		<!-- pageNaviWrap -->
		<div id="pageNaviWrap" class="clearfix">
			<ul class="rollover clearfix">
				<li><a href="/stories/world/">ワールド</a></li>
				<li><a href="/stories/business/">ビジネス</a></li>
				<li><a href="/stories/technology/">テクノロジー</a></li>
				<li><a href="/stories/culture/">カルチャー</a></li>
				<li><a href="/stories/lifestyle/">ライフスタイル</a></li>
				<li><a href="/stories/carrier/">キャリア</a></li>
				<li class="v2 nav-woman"><a href="/woman/">for WOMAN</a></li>

			</ul>
		</div>
		<!-- pageNaviWrap -->
	</div>
</div>
<!-- /head -->


<!-- [omitted: paywall navi jQuery script; interstitial-banner DFP block] -->
<!-- contentWrap -->
<div id="contentWrap" class="clearfix">
<!-- contentHead -->
<div id="contentHead" class="clearfix"><dl id="keyWord">
<dt>注目のキーワード</dt>
	<dd class="clearfix">
<a href="/tagsearch/%E3%83%AD%E3%82%B7%E3%82%A2" rel="tag" title="ロシアのタグ一覧へ">
<span id="first-keyword">ロシア</span>
<span id="tag-thumbnail">

</span>
</a>

<script type="text/javascript" src="/js/keyword.js?20221226"></script>

<script type="text/javascript" src="/keyword/keyword-images.js"></script>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/%E4%B8%AD%E5%9B%BD" rel="tag" title="中国のタグ一覧へ">中国</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/%E7%B1%B3%E5%A4%A7%E7%B5%B1%E9%A0%98%E9%81%B8" rel="tag" title="米大統領選のタグ一覧へ">米大統領選</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/EU" rel="tag" title="EUのタグ一覧へ">EU</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/%E3%82%A6%E3%82%AF%E3%83%A9%E3%82%A4%E3%83%8A" rel="tag" title="ウクライナのタグ一覧へ">ウクライナ</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/%E3%83%97%E3%83%BC%E3%83%81%E3%83%B3" rel="tag" title="プーチンのタグ一覧へ">プーチン</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
				<a href="/tagsearch/%E4%B8%AD%E6%9D%B1" rel="tag" title="中東のタグ一覧へ">中東</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
            <a href="/invest/">投資</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
					<a href="/tagsearch/%E8%82%B2%E5%85%90" rel="tag" title="育児のタグ一覧へ">育児</a>
	</dd>
	<dd>
        <span class="dot-line"></span>
            <a href="/stories/sdgs/">SDGs</a>
	</dd>
</dl>

 </div>

<!--head -->

<!-- teads pc 20230523 -->
<script type="text/javascript" class="teads" src="//a.teads.tv/page/172296/tag" async="true"></script>
<!-- [omitted: teads <style> block and DFP footer-overlay 1x1 slot] -->



<!-- content --> 
<div id="content"> 




<!-- pankuzu -->
<div id="topicPath" class="clearfix"> 
<ol id="breadCrumbs"> 
<li><a href="/">HOME</a></li> 
<li><a href="/column/">コラム</a></li>
<li><a href="/reizei/">プリンストン発　日本／アメリカ 新時代</a></li>
<li>

「No, thank you.」の消滅......…
</li>
</ol> 
</div> 
<!-- /pankuzu -->


<!-- contentPanel --> 
<!-- entryHead -->



<!-- headTitle --> 
<div class="contentPanelTitle clearfix">
<div id="contentTitle" class="content-title-nw">
<div class="nw-label-title bg_col_gr">
  <div class="nw-label-title-inner">
    <span class="arrow_d"></span><i>コラム</i>
  </div>
</div>
</div>
<!-- ページャー -->

<ul class="indexNavi clearfix">


<li>
<span class="current_page">1</span></li><li><a href="no-thank-you_$i.php">&nbsp;2&nbsp;</a>
</li>

  
  <li class="next"><a href="no-thank-you_2.php" title="Next&gt;&gt;"><span class="arrow_btn_link arrow_red_next"></span>Next</a></li>

</ul>

<!-- ページャー -->

<div id="entryHead" onclick="clickLink('https://www.newsweekjapan.jp/reizei/', '');" onkeydown="clickLink('https://www.newsweekjapan.jp/reizei/', '')">

<div class="txt_col_gr">
<span><img   src="https://img-newsweekjapan.jp/reizei//img/blogThum.jpg" width="90"></span>
<div class="entryAuthor">
<p>
冷泉彰彦
<span class="blogName">プリンストン発　日本／アメリカ 新時代</span>
</p>
</div>
</div>
</div>
</div>
<!-- headTitle --> 


<div class="contentPanel clickableArea containTitleTxt_RR"> 
<div class="panelNoShadow entryDetail clearfix">
  <!-- entry -->
  <div class="clearfix"> 
    <div class="entryDetailHeadline border_btm clearfix">
    <h1>「No, thank you.」の消滅......アメリカは日本化しているのか?</h1>

<div class="entryDataWrap clearfix">
<div class="entryDetailData">
<div class="date">2024年01月31日（水）15時00分</div>
</div> 

<!-- ブックマーク -->
<div class="tackBlock clearfix">
<div class="bookmark clearfix">
<div id = "shareTool">
</div>
</div>
<script type="text/javascript" src="/js/sns.js"></script>
<script type="text/javascript">

var postName  = "「No, thank you.」の消滅......アメリカは日本化しているのか?"
var parmaLink = "https://www.newsweekjapan.jp/reizei/2024/01/no-thank-you.php"
var author    = "冷泉彰彦"

shareTool(postName, parmaLink, author)
  
</script>
</div>
</div>


<!-- ブックマーク -->
</div>
    <!-- entryImageNoCap -->
    <!-- ブログ追加時は以下のカスタムフィールド名を変更してください -->

    

      <div class="entryImage">

          
    <img   src="https://img-newsweekjapan.jp/reizei/assets_c/2024/01/rei240131-pic-thumb-720xauto-1048149.jpg" alt="スマホ"title="スマホ" />
          

<p class="cap">デバイスがコミュニケーションを変化させる　Tero Vesalainen/Shutterstock</p>

      </div>


    <!-- ここまで -->
    <!-- /entryImageNoCap -->
    <!-- entryDetailBodyCopy -->
    <div class="entryDetailBodyCopy">
<p><strong>＜日本でもアメリカでも、ネットを介した短いコミュニケーションで関係性を悪化させないための知恵が必要に＞</strong></p>

<p>日本の若者がLINEなどのメッセージで「句点（。）」を一切使わないということが、話題になっています。句点無しの短い文章を区切りながら繰り出すことで、リアルタイムのコミュニケーションを取るためのようです。それが完全に定着する中で、句点を使うことが「威圧感、怒りの感情」の表現として受け取られるようにもなっているようです。</p>

<p>若い人たちに指摘されて気付いたのですが、実はこれはアメリカでも全く同じです。短いメッセージをどんどん繰り出してリアルタイムの交信をする場合には、ピリオド（フル・ストップとも言います）を使いません。反対に、あえてピリオドで切るとそこには「納得していない」という拒絶や怒りのニュアンスが感じられるといいます。</p>

<div class="ad-teads-nw-box"><div class="ad-teads-nw"></div></div><br>

<p>英語の場合は、少しバリエーションがあり。二人称の you について、いつもは「Y」などの略語で書いているのを「You」とフルのスペリングで書くと、同じように怒っているというニュアンスをつけることができます。絵文字もそうで、普段なら略語や絵文字を使う局面をキチンとした英語で書くと「かなり怒っているな」という感じになるわけです。</p>

<p>余りに一致した現象ということで、偶然とは思えません。ですが、句点やピリオドを省略して、クイックでソフトな印象を与えるということは、こうした「ショートメッセージ」に「ニュアンスをつける方法」としては自然で理にかなっています。ですから、日本語、英語の双方で自然発生的に生まれたのかもしれません。</p>

<h4>日本語の「大丈夫です」に似たニュアンス</h4>

<p>日本語と英語の表現が似通ってきたということでは、「No, thank you.」の消滅ということがあります。アメリカに限った話かもしれませんが、90年代からこの傾向はあり、どうしても言いたい場合は、「No, thank you very much.」という感じに丁寧表現を足して何とかするというような感覚がありました。</p>

<p>近年では、それもかなり消滅気味で、その代わりに断りの表現として、「I'm fine.」とか「I'm good.」が定着しています。この現象ですが、日本の若者言葉で同じように断りの表現が「いいえ、結構です」から「大丈夫です」に変化したのと、かなり似通っています。</p>

<p>違いと言えば、日本の場合は、若者の「大丈夫」が「イエス」なのか「ノー」なのか中高年には判別が難解と言われるように、この「No, thnak you.」の意味の「大丈夫です」は、年齢的に若い世代が中心です。今回のコロナ明けぐらいから、それが中高年にも徐々に浸透しつつあるという感じかもしれません。</p>

<p>ですが、アメリカの場合の「No, thank you.」から「I'm fine.」への変化は、既にかなり広範な世代に普及しています。そうではあるのですが、明確な「No」を嫌うという変化の仕方がソックリで、全く別の言語における現象と考えると驚きです。</p>

<p><!-- SET_ASSOCIATE --></p>





<div class="entryPagenate">

<!-- ページャータイトル -->

<div class='related-link-elm'><p>【関連記事】<br />
<a href="https://www.newsweekjapan.jp/stories/business/2024/01/810-2.php"target="_blank">もう車が買えなくなったアメリカ人──年収10万ドルの壁</a><br />
<a href="https://www.newsweekjapan.jp/kimura/2024/01/post-243.php"target="_blank">「トランプ大統領」の復活で「狂気の米国」が出現する...ネオリベラリズムが生んだディストピアのアメリカ</a><br />
<a href="https://www.newsweekjapan.jp/satire_usa/2023/12/post-92.php"target="_blank">アメリカで急速に広まった言葉「Meh」の背景にある国民の気分とは？</a></p></div>







<div class='nextPageTitle'><a href='/reizei/2024/01/no-thank-you_2.php'><span><em>次のページ</em><em>余計な衝突を避けたい<br /></em></span></a></div>
<ul class="indexNavi clearfix">


<li>
<span class="current_page">1</span></li><li><a href="no-thank-you_$i.php">&nbsp;2&nbsp;</a>
</li>

  
  <li class="next"><a href="no-thank-you_2.php" title="次のページ &gt;&gt;"><span class="arrow_btn_link arrow_red_next"></span>次のページ</a></li>

</ul>
</div>

    </div>
    <!-- /entryDetailBodyCopy -->
  </div>
  <!-- /entry -->

<div id="NewsPanel">
<div class="nw-label-title bg_col_gr">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>この筆者のコラム</i>
	</div>
</div>
<div class="latestEntryWrap border_btm">
  
    <!-- entry -->
    <div class="latestEntry">
			<p><a href="/reizei/2024/01/no-thank-you.php">
			
			
			「No, thank you.」の消滅......アメリカは日本化しているのか?
			
			</a>
			<span class="time">2024.01.31</span></p>
    </div>
    <!-- /entry -->
  
    <!-- entry -->
    <div class="latestEntry">
			<p><a href="/reizei/2024/01/post-1340.php">
			
			
			ニューハンプシャー州予備選敗北で、ヘイリーが仕掛ける一発逆転策とは?
			
			</a>
			<span class="time">2024.01.24</span></p>
    </div>
    <!-- /entry -->
  
    <!-- entry -->
    <div class="latestEntry">
			<p><a href="/reizei/2024/01/post-1339.php">
			
			
			大統領選でも引きずる米政治の「コロナ禍後遺症」
			
			</a>
			<span class="time">2024.01.17</span></p>
    </div>
    <!-- /entry -->
  
    <!-- [omitted: 4 more identical-shape latestEntry items] -->
  
</div>
<div class="btmLink txt_col_gr rollover"><a href="https://www.newsweekjapan.jp/reizei/"><span class="arrow_btm_link"></span>記事一覧へ</a></div>

</div><div id="profileWrap" class="border_btm">

<div class="nw-label-title bg_col_gr">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>プロフィール</i>
	</div>
</div>
<div id="authorProfile" class="clearfix">
<div class="profileImg"><img   src="https://img-newsweekjapan.jp/reizei//img/blogThum.jpg" width="90">
</div> 
<div class="profileTxt">

	<h3>冷泉彰彦</h3>
	<p><p>（れいぜい　あきひこ）ニュージャージー州在住。作家・ジャーナリスト。プリンストン日本語学校高等部主任。1959年東京生まれ。東京大学文学部卒業。コロンビア大学大学院修士（日本語教授法）。福武書店（現ベネッセコーポレーション）勤務を経て93年に渡米。</p>

<p>[omitted: second profile paragraph with book links]</p></p> 
	<div class="link"><a href="http://www.mag2.com/m/0001628903.html" target="_blank">冷泉彰彦のプリンストン通信</a></div> 
 
</div> 
</div> 
</div> 
<div id="btm-contents">
<!-- latest panel -->

<div class="underrecWrap clearfix" style="margin: 0 auto 30px; width:630px; ">


<!-- 記事下レクタングル_OK -->
<!-- [omitted: two DFP 300x250 below-article slots div-gpt-ad-1541150926942-0 / div-gpt-ad-1541151040794-0] -->

</div>

<!-- インサイトサーチエンジン -->
<!-- /インサイトサーチエンジン -->


<!-- outbrain -->

<!-- taboola remcommend 20210927 -->

<div class="topPanelTitle clearfix">
  <div class="nw-label-title bg_col_rd">
    <div class="nw-label-title-inner">
      <span class="arrow_d"></span><i>今、あなたにオススメ</i>
    </div>
  </div>
</div>

<!-- taboola 20210927 -->
<div id="taboola-below-article-thumbnails-desktop-1"></div>
<script type="text/javascript">
  window._taboola = window._taboola || [];
  _taboola.push({
    mode: 'thumbs-feed-01',
    container: 'taboola-below-article-thumbnails-desktop-1',
    placement: 'Below Article Thumbnails Desktop 1',
    target_type: 'mix'
  });
</script>
<!-- taboola 20210927 -->


<!-- /taboola remcommend 20210927 -->

<!--関連記事-->
<!-- [omitted: two commented-out Cxense recommendation modules] -->
<!--/関連記事-->

<!-- 関連ワード -->
 <div id="related-words" class="border_btm">
<!--   <h4 class="bg_col_bk"><span class="arrow_btm_ttl"></span>関連ワード</h4>
 --> <div class="nw-label-title bg_col_bk">
 		<div class="nw-label-title-inner">
	 		<span class="arrow_d"></span><i>関連ワード</i>
 		</div>
 	</div>
  <ul>
<li><a href="/tagsearch/アメリカ社会" rel="tag" title="アメリカ社会のタグ一覧へ">アメリカ社会</a></li><li><a href="/tagsearch/コミュニケーション" rel="tag" title="コミュニケーションのタグ一覧へ">コミュニケーション</a></li><li><a href="/tagsearch/ネット" rel="tag" title="ネットのタグ一覧へ">ネット</a></li><li><a href="/tagsearch/日本社会" rel="tag" title="日本社会のタグ一覧へ">日本社会</a></li><li><a href="/tagsearch/英語" rel="tag" title="英語のタグ一覧へ">英語</a></li> </ul>
</div>

<!-- [omitted: <style> block for #btm-contents/#related-words] -->

<!-- comment -->
<div class="comment-box">
     



<div class="comment-box-inner">
<div id="ulCommentWidget" style="clear:both;"></div>
</div>
<script>




var _ul_comment_config = _ul_comment_config||{};
_ul_comment_config['id'] = 'CM-CJxXQeot';
_ul_comment_config['article_id'] = '482974';
_ul_comment_config['author'] = '冷泉彰彦</MTIf>';
_ul_comment_config['published_at'] = '2024-01-31 15:00:00';

_ul_comment_config['url'] = 'https://www.newsweekjapan.jp/reizei/2024/01/no-thank-you.php';
_ul_comment_config['number_of_comments'] = 5;

(function (c, n, s) {if (c[n] === void 0) {c['ULObject'] = n;
c[n] = c[n] || function () {(c[n].q = c[n].q || []).push(arguments)};
c[n].l = 1 * new Date();var e = document.createElement('script');e.async = 1;
e.src = s + "/comment.js";var t = document.getElementsByTagName('script')[0];
t.parentNode.insertBefore(e, t);}})
(window, 'ul_comment_widget', 'https://cm-widget.nakanohito.jp/cm');
ul_comment_widget('init', _ul_comment_config);
</script>



   
</div> 
<!-- comment -->

<style>
.contentPanel + .comment-box{
	display: none;
}
</style>



<div id="latestheadlineslist" class="pageDetail mt20">
  <a href="/headlines/">
  <div class="nw-label-title bg_col_bl">
 		<div class="nw-label-title-inner">
	 		<span class="arrow_d"></span><i>ニュース速報</i>
 		</div>
  </div> 
  
  </a>

<div class="list_wrap border_btm clearfix">

<div class="list-content"><a href="/headlines/world/2024/02/483076.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/2024/02/2024-01-31T160645Z_1_LYNXMPEK0U0NH_RTROPTP_2_RUSSIA-ELECTION-PUTIN-thumb-186x186-1048686.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ワールド</p><div class="entryTxt"><div class="title">プーチン氏、2月12日にトルコへ　ウクライナ侵攻後</div><div class="entryDate">2024.02.01</div></div></div></div></div><div class="list-content"><a href="/headlines/business/2024/02/483075.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/2024/02/2024-01-31T160633Z_1_LYNXMPEK0U0NN_RTROPTP_2_UNITED-ARLNS-AIRBUS-thumb-186x186-1048685.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ビジネス</p><div class="entryTxt"><div class="title">ボーイング、第4四半期は赤字　予想ほど膨らまず　2</div><div class="entryDate">2024.02.01</div></div></div></div></div><div class="list-content"><a href="/headlines/world/2024/02/483074.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/2024/02/2024-01-31T160122Z_1_LYNXMPEK0U0N5_RTROPTP_2_RUSSIA-ELECTION-PUTIN-thumb-186x186-1048683.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ワールド</p><div class="entryTxt"><div class="title">ウクライナ、米国製ミサイル使用　捕虜搭乗機撃墜＝プ</div><div class="entryDate">2024.02.01</div></div></div></div></div><div class="list-content"><a href="/headlines/business/2024/02/483073.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/2024/02/2024-01-31T160021Z_1_LYNXMPEK0U0N4_RTROPTP_2_GERMANY-ELECTION-thumb-186x186-1048679.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ビジネス</p><div class="entryTxt"><div class="title">独ＣＰＩ、1月は前年同月比3.1％上昇に鈍化 </div><div class="entryDate">2024.02.01</div></div></div></div></div>
</div>
<div class="txt_col_bl btmLink"><a href=""><span class="arrow_btm_link"></span>ニュース速報一覧</a></div>
</div><section id="wv-popular-posts" class="wv-popular-posts-lower">
<article>
<div class="topPanelTitle clearfix">
<div class="nw-label-title bg_col_rd">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>WorldVoice</i>
	</div>
</div>
</div>

<div class="wv-entrylist-box-nw2 wv-entrylist-box">
<ul>
<li><a href="/worldvoice/rikamama/2023/11/cdg.php">

<figure>
<img   src="https://img-newsweekjapan.jp/worldvoice/rikamama/assets_c/2023/11/IMG20231114155636-thumb-autox193-951533.jpg">
</figure>

<div class="list-text">
<span class="wv-author">RIKAママ｜フランス</span>


   

<p>シャルル・ド・ゴール空港からの車を狙う狂暴な強盗の…</p>
<time class="entry-date">2023/11/16</time>

</div>
</a></li>
<!-- [stored source file is corrupted from here on (spliced into unrelated minified JS); excerpt ends] -->
</ul></div></article></section></div></div></div></div>
<!-- [fixture: ADDED from here to the end: right sidebar, footer, closing tags] -->
<!-- [fixture: right sidebar, synthetic markup; its texts are those of the seed capture] -->
<!-- rightWrap -->
<div id="rightWrap">
<div class="sideBnr"><!-- NW_PC_300x250_right_1st --><div id="div-gpt-ad-right-1st" style="min-height:250px"></div></div>

<div class="sideTaboola">
<div class="topPanelTitle clearfix">
  <div class="nw-label-title bg_col_rd">
    <div class="nw-label-title-inner">
      <span class="arrow_d"></span><i>今、あなたにオススメ</i>
    </div>
  </div>
</div>
<div id="taboola-right-rail-thumbnails"></div>
<script type="text/javascript">window._taboola = window._taboola || []; _taboola.push({mode: 'thumbnails-rr', container: 'taboola-right-rail-thumbnails', placement: 'Right Rail Thumbnails', target_type: 'mix'});</script>
</div>

<div id="sideMagazine" class="border_btm">
<div class="nw-label-title bg_col_bk">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>MAGAZINE</i>
	</div>
</div>
<div class="magazineWrap clearfix">
<!-- [fixture: the cover as a <picture> with a WebP <source> and a 2x srcset, to test those requisites] -->
<div class="magazineCover"><a href="/magazine/"><picture><source type="image/webp" srcset="https://img-newsweekjapan.jp/magazine/images/cover_20251202.webp"><img src="https://img-newsweekjapan.jp/magazine/images/cover_20251202.jpg" srcset="https://img-newsweekjapan.jp/magazine/images/cover_20251202.jpg 1x, https://img-newsweekjapan.jp/magazine/images/cover_20251202@2x.jpg 2x" width="120" alt="特集:ガザの叫びを聞け"></picture></a></div>
<div class="magazineTxt">
<p class="magazineTitle"><a href="/magazine/">特集:ガザの叫びを聞け</a></p>
<p class="magazineDate">2025年12月 2日号(11/26発売)</p>
<p class="magazineLead">「天井なき監獄」を生きるパレスチナ自治区ガザの若者たちが世界に向けて発信した10年の記録</p>
</div>
</div>
</div>

<div id="sideMailMagazine"><a href="https://www.newsweekjapan.jp/mailmagazine/"><span class="arrow_btm_link"></span>メールマガジンのご登録はこちらから。</a></div>

<div class="sideBnr"><!-- NW_PC_300x250_right_2nd --><div id="div-gpt-ad-right-2nd" style="min-height:250px"></div></div>

<!-- ranking -->
<div id="sideRankingPanel" class="border_btm">
<div class="nw-label-title bg_col_rd">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>人気ランキング</i>
	</div>
</div>
  <ol class="rankingList" id="ranking-daily">
    <li><span class="rankNum">1</span><a href="/stories/world/2025/11/580001.php">膝が痛くても足腰が弱くても、一生ぐんぐん歩けるようになる!筋トレよりもずっと効果的な「たった30秒の体操」〈注目記事〉</a></li>
    <li><span class="rankNum">2</span><a href="/stories/world/2025/11/580002.php">【銘柄】イオンの株価が2倍に。かつての優待株はなぜ成長株へ転生できたのか</a></li>
    <li><span class="rankNum">3</span><a href="/stories/world/2025/11/580003.php">老後資金は「ためる」より「使う」へ──50代からの後悔しない人生後半のマネープラン</a></li>
    <li><span class="rankNum">4</span><a href="/stories/world/2025/11/580004.php">【最先端戦闘機】ミラージュ、F16、グリペン、ラファ…</a></li>
    <li><span class="rankNum">5</span><a href="/stories/world/2025/11/580005.php">「髪形がおかしい...」実写版『モアナ』予告編に批判…</a></li>
    <li><span class="rankNum">6</span><a href="/stories/world/2025/11/580006.php">「999段の階段」を落下...中国・自動車メーカーがPR…</a></li>
    <li><span class="rankNum">7</span><a href="/stories/world/2025/11/580007.php">マムダニの次は「この男」?...イケメンすぎる「ケネ…</a></li>
    <li><span class="rankNum">8</span><a href="/stories/world/2025/11/580008.php">放置されていた、恐竜の「ゲロ」の化石...そこに眠っ…</a></li>
    <li><span class="rankNum">9</span><a href="/stories/world/2025/11/580009.php">AIの浸透で「ブルーカラー」の賃金が上がり、「ホワ…</a></li>
    <li><span class="rankNum">10</span><a href="/stories/world/2025/11/580010.php">7歳の娘の「スマホの検索履歴」で見つかった「衝撃の…</a></li>
  </ol>
  <ol class="rankingList" id="ranking-weekly" style="display:none">
    <li><span class="rankNum">1</span><a href="/stories/world/2025/11/581001.php">高速で回転しながら「地上に落下」...トルコの軍用輸送機「C-130」謎の墜落を捉えた「衝撃映像」が拡散</a></li>
    <li><span class="rankNum">2</span><a href="/stories/world/2025/11/581002.php">「髪形がおかしい...」実写版『モアナ』予告編に批判殺到、そもそも「実写化が早すぎる」との声も</a></li>
    <li><span class="rankNum">3</span><a href="/stories/world/2025/11/581003.php">膝が痛くても足腰が弱くても、一生ぐんぐん歩けるようになる!筋トレよりもずっと効果的な「たった30秒の体操」〈注目記事〉</a></li>
    <li><span class="rankNum">4</span><a href="/stories/world/2025/11/581004.php">ポルノ依存症になるメカニズムが判明! 絶対やって…</a></li>
    <li><span class="rankNum">5</span><a href="/stories/world/2025/11/581005.php">「999段の階段」を落下...中国・自動車メーカーがPR…</a></li>
    <li><span class="rankNum">6</span><a href="/stories/world/2025/11/581006.php">マムダニの次は「この男」?...イケメンすぎる「ケネ…</a></li>
    <li><span class="rankNum">7</span><a href="/stories/world/2025/11/581007.php">AIの浸透で「ブルーカラー」の賃金が上がり、「ホワ…</a></li>
    <li><span class="rankNum">8</span><a href="/stories/world/2025/11/581008.php">「まじかよ...」母親にヘアカットを頼んだ25歳女性、…</a></li>
    <li><span class="rankNum">9</span><a href="/stories/world/2025/11/581009.php">海外の空港でトイレに入った女性が見た、驚きの「ナ…</a></li>
    <li><span class="rankNum">10</span><a href="/stories/world/2025/11/581010.php">【銘柄】イオンの株価が2倍に。かつての優待株はなぜ…</a></li>
  </ol>
  <ol class="rankingList" id="ranking-monthly" style="display:none">
    <li><span class="rankNum">1</span><a href="/stories/world/2025/11/582001.php">【クイズ】本州で唯一「クマが生息していない県」はどこ?</a></li>
    <li><span class="rankNum">2</span><a href="/stories/world/2025/11/582002.php">東京がニューヨークを上回り「世界最大の経済都市」に...日本からは、もう1都市圏がトップ10入り</a></li>
    <li><span class="rankNum">3</span><a href="/stories/world/2025/11/582003.php">一瞬にして「巨大な橋が消えた」...中国・「完成直後」の橋が崩落する瞬間を捉えた「衝撃映像」に広がる疑念</a></li>
    <li><span class="rankNum">4</span><a href="/stories/world/2025/11/582004.php">「不気味すぎる...」カップルの写真に映り込んだ「謎…</a></li>
    <li><span class="rankNum">5</span><a href="/stories/world/2025/11/582005.php">【写真・動画】世界最大のクモの巣</a></li>
    <li><span class="rankNum">6</span><a href="/stories/world/2025/11/582006.php">高速で回転しながら「地上に落下」...トルコの軍用輸…</a></li>
    <li><span class="rankNum">7</span><a href="/stories/world/2025/11/582007.php">「999段の階段」を落下...中国・自動車メーカーがPR…</a></li>
    <li><span class="rankNum">8</span><a href="/stories/world/2025/11/582008.php">英国で「パブ離れ」が深刻化、閉店ペースが加速...苦…</a></li>
    <li><span class="rankNum">9</span><a href="/stories/world/2025/11/582009.php">【クイズ】クマ被害が相次ぐが...「熊害」の正しい読…</a></li>
    <li><span class="rankNum">10</span><a href="/stories/world/2025/11/582010.php">まるで老人...ロシア初の「AIヒト型ロボット」がお披…</a></li>
  </ol>
</div>
<!-- /ranking -->

<div class="sideBnrList">
<ul>
<li><a href="/tagsearch/%E3%83%88%E3%83%A9%E3%83%B3%E3%83%972.0"><img src="https://img-newsweekjapan.jp/banner/trump20.jpg" width="300" alt=""><p>トランプ2.0記事まとめ</p></a></li>
<li><a href="/nippon/"><img src="https://img-newsweekjapan.jp/banner/nippon2.jpg" width="300" alt=""><p>日本再発見 シーズン2</p></a></li>
<li><a href="/challenging_innovator/"><img src="https://img-newsweekjapan.jp/banner/ci.jpg" width="300" alt=""><p>CHALLENGING INNOVATOR</p></a></li>
<li><a href="/wonderfulstory/"><img src="https://img-newsweekjapan.jp/banner/ws.jpg" width="300" alt=""><p>Wonderful Story</p></a></li>
</ul>
</div>
<div class="sideBnr"><!-- NW_PC_300x250_right_3rd --><div id="div-gpt-ad-right-3rd" style="min-height:250px"></div></div>
</div>
<!-- /rightWrap -->

</div>
<!-- /contentWrap -->

<!-- [fixture: footer, synthetic markup] -->
<div id="footer">
<div class="footer_inner clearfix">
<ul class="footNavi">
<li><a href="/company/">会社概要</a></li>
<li><a href="/privacy/">プライバシーポリシー</a></li>
<li><a href="/terms/">利用規約</a></li>
<li><a href="/ad/">広告掲載</a></li>
</ul>
<p class="copyright">Copyright &copy; 2024 CCC Media House Co., Ltd. All Rights Reserved.</p>
</div>
</div>

</div>
<!-- /container -->
</body>
</html>
