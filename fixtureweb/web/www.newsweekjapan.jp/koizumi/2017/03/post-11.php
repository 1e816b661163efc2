<!DOCTYPE html>
<html lang="ja">
<head>
<!-- [fixture: synthetic head (modelled on the OGP/Cxense tags ABOT and the fragment read)] -->
<meta charset="UTF-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>第2回日露防衛・外交トップ会談(2プラス2)──すれ違う思惑と今後の展望 | 小泉悠 ロシア軍事情勢 | ニューズウィーク日本版 オフィシャルサイト</title>
<meta name="description" content="3年4カ月ぶりに開かれた日露の外務・防衛閣僚協議(2プラス2)では、ミサイル防衛や北方領土の軍事化をめぐって双方の主張が平行線をたどった">
<meta property="og:title" content="第2回日露防衛・外交トップ会談(2プラス2)──すれ違う思惑と今後の展望">
<meta property="og:type" content="article">
<meta property="og:url" content="https://www.newsweekjapan.jp/koizumi/2017/03/post-11.php">
<meta property="og:image" content="https://www.newsweekjapan.jp/images/ogp.png">
<meta property="og:site_name" content="Newsweek日本版">
<meta property="og:description" content="3年4カ月ぶりに開かれた日露の外務・防衛閣僚協議(2プラス2)では、ミサイル防衛や北方領土の軍事化をめぐって双方の主張が平行線をたどった">
<meta name="twitter:card" content="summary_large_image">
<meta property="cXenseParse:author" content="小泉悠">
<meta name="cXenseParse:pageclass" content="article">
<link rel="stylesheet" href="/css/common.css?20231201" type="text/css">
<link rel="stylesheet" href="/css/print.css" type="text/css" media="print"/>
<script src="https://ajax.googleapis.com/ajax/libs/jquery/3.6.0/jquery.min.js"></script>
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});})(window,document,'script','dataLayer','GTM-5QVKT8');</script>
<script async src="https://securepubads.g.doubleclick.net/tag/js/gpt.js"></script>
<script>var googletag = googletag || {}; googletag.cmd = googletag.cmd || []; googletag.cmd.push(function() { googletag.defineSlot('/117786882/Newsweek/NW_PC_300x250_right_1st', [300, 250], 'div-gpt-ad-right-1st').addService(googletag.pubads()); });</script>
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
<li><a href="/koizumi/">小泉悠 ロシア軍事情勢</a></li>
<li>

第2回日露防衛・外交トップ会談(2プラス2)…
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
<span class="current_page">1</span></li><li><a href="post-11_$i.php">&nbsp;2&nbsp;</a>
</li>

  
  <li class="next"><a href="post-11_2.php" title="Next&gt;&gt;"><span class="arrow_btn_link arrow_red_next"></span>Next</a></li>

</ul>

<!-- ページャー -->

</div>
<!-- headTitle --> 


<div class="contentPanel clickableArea containTitleTxt_RR"> 
<div class="panelNoShadow entryDetail clearfix">
  <!-- entry -->
  <div class="clearfix"> 
    <div class="entryDetailHeadline border_btm clearfix">
    <h3>第2回日露防衛・外交トップ会談(2プラス2)──すれ違う思惑と今後の展望</h3>

<div class="entryDataWrap clearfix">
<div class="entryDetailData">
<div class="date">2017年03月24日（金）21時30分</div>
</div> 

<!-- ブックマーク -->
<div class="tackBlock clearfix">
<div class="bookmark clearfix">
<div id = "shareTool">
</div>
</div>
<script type="text/javascript" src="/js/sns.js"></script>
<script type="text/javascript">

var postName  = "第2回日露防衛・外交トップ会談(2プラス2)──すれ違う思惑と今後の展望"
var parmaLink = "https://www.newsweekjapan.jp/koizumi/2017/03/post-11.php"
var author    = "小泉悠"

shareTool(postName, parmaLink, author)
  
</script>
</div>
</div>


<!-- ブックマーク -->
</div>
    <!-- entryDetailBodyCopy -->
    <div class="entryDetailBodyCopy">
<p><strong>＜3年4カ月ぶりに開かれた日露の外務・防衛閣僚協議(2プラス2)では、ミサイル防衛や北方領土の軍事化をめぐって双方の主張が平行線をたどった。両国の思惑はどこですれ違っているのか＞</strong></p>

<p>3月20日、東京で日露の外務・防衛閣僚協議(いわゆる「2プラス2」)が開催された。日本側からは岸田外相と稲田防衛相、ロシア側からはラヴロフ外相とショイグ国防相が出席した。</p>

<p>日露の2プラス2は2013年11月に第1回会合が開かれたものの、翌年のウクライナ危機とそれに続く対露制裁によって中断していた。昨年12月のプーチン大統領訪日の際に再開で合意し、今回ようやく3年4カ月ぶりの開催にこぎつけたことになる。</p>

<h4>ミサイル防衛をめぐる応酬</h4>

<p>今回の会合でロシア側が繰り返し取り上げたのは、日本が進める弾道ミサイル防衛(BMD)の問題であった。ショイグ国防相は会合後の記者会見で、米国のミサイル防衛システムがアジア太平洋地域に展開されることは地域の戦略的安定を損なうとの懸念を表明している。</p>

<p>これに対して日本側は、北朝鮮の核・ミサイル開発こそが地域の安全保障上の最大の脅威であり、ミサイル防衛は純粋に防御的なものであると説明した。実際、会合の直前にも北朝鮮は弾道ミサイル4発を同時に発射しており、そのうち3発は日本の排他的経済水域(EEZ)内に落下している。</p>

<p>しかし、ロシア側から見れば、問題は北朝鮮ではなく米国である。ロシアは長年、欧州における米国のミサイル防衛配備を自国の核抑止力を無力化する試みとみなしてきた。同じ構図がアジアでも繰り返されることへの警戒感は根強く、日本のBMDもまたその文脈で捉えられているのである。</p>

<p>日本側が地上配備型のイージス・システムや高高度防衛ミサイル(THAAD)の導入を検討していることも、こうしたロシアの懸念に拍車をかけている。</p>

<h4>オホーツク海という「聖域」</h4>

<p>ロシアの安全保障観を理解する上で欠かせないのが、オホーツク海の位置付けである。ロシア太平洋艦隊は弾道ミサイル原潜をオホーツク海に配備しており、この海域は対米核抑止力を保持するための「聖域」となっている。</p>

<p>千島列島と北方領土は、この聖域を外部から隔てる「防壁」の役割を果たす。昨年11月、ロシアが択捉島と国後島に地対艦ミサイル・システム「バル」と「バスチオン」を配備したと公表したのも、こうした戦略的な考慮と無関係ではない。</p>

<p>さらにショイグ国防相は今年2月、千島列島に新たに1個師団を配備する方針を明らかにしている。日本側は今回の会合でもこうした動きに抗議したが、ロシア側は自国領内での措置であるとの立場を崩さなかった。</p>

<p><!-- SET_ASSOCIATE --></p>


<div class="entryPagenate">

<!-- ページャータイトル -->

<div class='related-link-elm'><p>【関連記事】<br />
<a href="https://www.newsweekjapan.jp/stories/world/2017/03/post-7215.php"target="_blank">日露2プラス2、3年4カ月ぶり開催　北方領土での協力を協議</a></p></div>

<div class='nextPageTitle'><a href='/koizumi/2017/03/post-11_2.php'><span><em>次のページ</em><em>まずは信頼醸成措置から<br /></em></span></a></div>
<ul class="indexNavi clearfix">

<li>
<span class="current_page">1</span></li><li><a href="post-11_$i.php">&nbsp;2&nbsp;</a>
</li>

  
  <li class="next"><a href="post-11_2.php" title="次のページ &gt;&gt;"><span class="arrow_btn_link arrow_red_next"></span>次のページ</a></li>

</ul>
</div>

    </div>
    <!-- /entryDetailBodyCopy -->
  </div>
  <!-- /entry -->

<div id="profileWrap" class="border_btm">

<div class="nw-label-title bg_col_gr">
	<div class="nw-label-title-inner">
		<span class="arrow_d"></span><i>プロフィール</i>
	</div>
</div>
<div id="authorProfile" class="clearfix">
<div class="profileImg"><img   src="https://img-newsweekjapan.jp/koizumi/img/blogThum.jpg" width="90">
</div> 
<div class="profileTxt">

	<h3>小泉悠</h3>
	<p>軍事アナリスト<br />
早稲田大学大学院修了後、ロシア科学アカデミー世界経済国際関係研究所客員研究などを経て、現在は未来工学研究所研究員。『軍事研究』誌でもロシアの軍事情勢についての記事を毎号執筆</p> 
 
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
<!--/関連記事-->

<!-- comment -->
<div class="comment-box">
<div class="comment-box-inner">
<div id="ulCommentWidget" style="clear:both;"></div>
</div>
</div>
<!-- comment -->

<div id="latestheadlineslist" class="pageDetail mt20">
  <a href="/headlines/">
  <div class="nw-label-title bg_col_bl">
 		<div class="nw-label-title-inner">
	 		<span class="arrow_d"></span><i>ニュース速報</i>
 		</div>
  </div> 
  
  </a>

<div class="list_wrap border_btm clearfix">

<div class="list-content"><a href="/headlines/business/2025/11/580101.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/thumb-186x186.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ビジネス</p><div class="entryTxt"><div class="title">午後3時のドルは156円前半でほぼ横ばい、日銀早期</div></div></div></div></div><div class="list-content"><a href="/headlines/business/2025/11/580100.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/thumb-186x186.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ビジネス</p><div class="entryTxt"><div class="title">中国万科の社債急落、政府支援巡り懸念再燃 上場債売</div></div></div></div></div><div class="list-content"><a href="/headlines/world/2025/11/580099.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/thumb-186x186.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ワールド</p><div class="entryTxt"><div class="title">台湾が国防費400億ドル増額へ、33年までに 防衛</div></div></div></div></div><div class="list-content"><a href="/headlines/business/2025/11/580098.php"></a><div class="entryImg"><img   src="https://img-newsweekjapan.jp/headlines/assets_c/thumb-186x186.jpg" width="186" height="186"></div><div class="content-txt"><div class="entry clearfix"><p class="label">ビジネス</p><div class="entryTxt"><div class="title">インフレ基調指標、10月の刈り込み平均値は前年比2</div></div></div></div></div>
</div>
<div class="txt_col_bl btmLink"><a href=""><span class="arrow_btm_link"></span>ニュース速報一覧</a></div>
</div></div>
<!-- /btm-contents -->
</div>
</div>
<!-- /contentPanel -->
</div>
<!-- /content -->

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
<div class="magazineCover"><a href="/magazine/"><img src="https://img-newsweekjapan.jp/magazine/images/cover_20251202.jpg" width="120" alt="特集:ガザの叫びを聞け"></a></div>
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
