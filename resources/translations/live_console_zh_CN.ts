<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Console</name>
    <message>
        <source>Built-in simulator (practice mode)</source>
        <translation>内置模拟器（练习模式）</translation>
    </message>
    <message>
        <source>Replay</source>
        <translation>回放</translation>
    </message>
    <message>
        <source>Resume session</source>
        <translation>继续直播</translation>
    </message>
    <message>
        <source>“{0}” is live in this console. End it before resuming another session.</source>
        <translation>“{0}”正在本控制台直播。请先结束它，再继续另一场。</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>直播</translation>
    </message>
    <message>
        <source>Practice</source>
        <translation>练习</translation>
    </message>
</context>
<context>
    <name>ConsoleWindow</name>
    <message>
        <source>Product queue</source>
        <translation>商品列表</translation>
    </message>
    <message>
        <source>Now presenting</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <source>Flash deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>Comments and activity</source>
        <translation>评论与互动</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>导出复盘报告…</translation>
    </message>
    <message>
        <source>Session library…</source>
        <translation>场次库…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>重置布局</translation>
    </message>
</context>
<context>
    <name>CrashReporter</name>
    <message>
        <source>Something went wrong in the console: {0}

The session goes on recording. The details are in the log file:
{1}</source>
        <translation>控制台出了问题：{0}

场次仍在继续录制。详细信息在日志文件中：
{1}</translation>
    </message>
</context>
<context>
    <name>DealDialog</name>
    <message>
        <source>Flash deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>All variants</source>
        <translation>全部规格</translation>
    </message>
    <message>
        <source>Deal price</source>
        <translation>秒杀价</translation>
    </message>
    <message>
        <source>Percent off</source>
        <translation>折扣（减免百分比）</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>立即</translation>
    </message>
    <message>
        <source>At</source>
        <translation>定时</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>Applies to</source>
        <translation>适用规格</translation>
    </message>
    <message>
        <source>Regular price</source>
        <translation>原价</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>秒杀数量</translation>
    </message>
    <message>
        <source>Per buyer</source>
        <translation>每人限购</translation>
    </message>
    <message>
        <source>Countdown</source>
        <translation>开抢倒计时</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>秒杀时长</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Launch</source>
        <translation>上架秒杀</translation>
    </message>
    <message>
        <source>Save as prepared</source>
        <translation>保存为预设</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
    <message>
        <source>{0} · {1} in stock</source>
        <translation>{0} · 库存 {1}</translation>
    </message>
    <message>
        <source>Enter the deal price, such as {0}.</source>
        <translation>请输入秒杀价，例如 {0}。</translation>
    </message>
    <message>
        <source>Deal price: use a dot for decimals, such as {0}, and no thousands separator.</source>
        <translation>秒杀价：小数请用英文句点，例如 {0}，不要使用千位分隔符。</translation>
    </message>
    <message>
        <source>Deal price: {0}</source>
        <translation>秒杀价：{0}</translation>
    </message>
    <message>
        <source>The session refused this deal: {0}</source>
        <translation>本场未接受此秒杀：{0}</translation>
    </message>
</context>
<context>
    <name>DealPanel</name>
    <message>
        <source>No flash deal running — press D to launch the prepared deal</source>
        <translation>当前没有秒杀 — 按 D 上架预设秒杀</translation>
    </message>
    <message>
        <source>No flash deal running</source>
        <translation>当前没有秒杀</translation>
    </message>
    <message>
        <source>Stop deal</source>
        <translation>结束秒杀</translation>
    </message>
    <message>
        <source>Sold out!</source>
        <translation>已抢光！</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Ends in</source>
        <translation>距结束</translation>
    </message>
    <message>
        <source>Starts in</source>
        <translation>距开抢</translation>
    </message>
    <message>
        <source>{0} / {1} sold</source>
        <translation>已售 {0} / {1}</translation>
    </message>
    <message>
        <source>Flash deal on “{0}”: last 10 seconds!</source>
        <translation>“{0}”秒杀最后 10 秒！</translation>
    </message>
    <message>
        <source>Flash deal on “{0}” sold out: {1} sold.</source>
        <translation>“{0}”秒杀已抢光：共售出 {1} 件。</translation>
    </message>
    <message>
        <source>Stop flash deal</source>
        <translation>结束秒杀</translation>
    </message>
    <message>
        <source>Stop the flash deal on “{0}” now? {1} of {2} sold so far.</source>
        <translation>现在结束“{0}”的秒杀吗？目前已售 {1} / {2}。</translation>
    </message>
</context>
<context>
    <name>ExportReportDialog</name>
    <message>
        <source>Export report</source>
        <translation>导出复盘报告</translation>
    </message>
    <message>
        <source>Session file: {0}</source>
        <translation>场次文件：{0}</translation>
    </message>
    <message>
        <source>HTML report</source>
        <translation>HTML 报告</translation>
    </message>
    <message>
        <source>Save the HTML report as</source>
        <translation>HTML 报告另存为</translation>
    </message>
    <message>
        <source>HTML files (*.html);;All files (*)</source>
        <translation>HTML 文件 (*.html);;所有文件 (*)</translation>
    </message>
    <message>
        <source>CSV files</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <source>Choose a folder for the CSV files</source>
        <translation>选择保存 CSV 文件的文件夹</translation>
    </message>
    <message>
        <source>events, minutes, products and deals, for Excel or WPS</source>
        <translation>事件、每分钟数据、商品和秒杀，可用 Excel 或 WPS 打开</translation>
    </message>
    <message>
        <source>Open report</source>
        <translation>打开报告</translation>
    </message>
    <message>
        <source>Show folder</source>
        <translation>打开所在文件夹</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Written: {0}</source>
        <translation>已写入：{0}</translation>
    </message>
</context>
<context>
    <name>FeedModel</name>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>🛒 {0} bought {1} × {2} {3}</source>
        <translation>🛒 {0} 购买了 {1} × {2} {3}</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>匿名用户</translation>
    </message>
    <message>
        <source>➕ {0} followed</source>
        <translation>➕ {0} 关注了主播</translation>
    </message>
    <message>
        <source>↗ {0} shared the stream</source>
        <translation>↗ {0} 分享了直播间</translation>
    </message>
    <message>
        <source>🎁 {0} sent {1} × {2}</source>
        <translation>🎁 {0} 送出 {1} × {2}</translation>
    </message>
    <message>
        <source>📍 Marker: {0}</source>
        <translation>📍 标记：{0}</translation>
    </message>
    <message>
        <source>📌 Pinned {0}: {1}</source>
        <translation>📌 已置顶 {0}：{1}</translation>
    </message>
    <message>
        <source>📌 Unpinned the comment</source>
        <translation>📌 已取消置顶评论</translation>
    </message>
    <message>
        <source>⚡ Flash deal live: {0} at {1}</source>
        <translation>⚡ 秒杀开始：{0}，秒杀价 {1}</translation>
    </message>
    <message>
        <source>⚡ Flash deal over: {0}, {1} sold ({2})</source>
        <translation>⚡ 秒杀结束：{0}，已售 {1}（{2}）</translation>
    </message>
    <message>
        <source>time is up</source>
        <translation>时间到</translation>
    </message>
    <message>
        <source>sold out</source>
        <translation>已售罄</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>手动结束</translation>
    </message>
    <message>
        <source>session ended</source>
        <translation>直播结束</translation>
    </message>
</context>
<context>
    <name>FeedPanel</name>
    <message>
        <source>Comments</source>
        <translation>评论</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Follows</source>
        <translation>关注</translation>
    </message>
    <message>
        <source>Gifts</source>
        <translation>礼物</translation>
    </message>
    <message>
        <source>Shares</source>
        <translation>分享</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Pin the selected comment for everyone (P)</source>
        <translation>置顶选中的评论，所有观众可见 (P)</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin comment</source>
        <translation>置顶评论</translation>
    </message>
    <message numerus="yes">
        <source>↓ %n new</source>
        <translation>
            <numerusform>↓ %n 条新消息</numerusform>
        </translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import catalog</source>
        <translation>导入商品目录</translation>
    </message>
    <message>
        <source>Choose a catalog file</source>
        <translation>选择商品目录文件</translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt);;All files (*)</source>
        <translation>CSV 文件 (*.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Detect from the header</source>
        <translation>根据表头自动识别</translation>
    </message>
    <message>
        <source>Shopify product CSV</source>
        <translation>Shopify 商品 CSV</translation>
    </message>
    <message>
        <source>WooCommerce product CSV</source>
        <translation>WooCommerce 商品 CSV</translation>
    </message>
    <message>
        <source>Simple CSV (sku, title, price, stock, image)</source>
        <translation>简单 CSV（sku、title、price、stock、image）</translation>
    </message>
    <message>
        <source>Skip bad rows and import the rest</source>
        <translation>跳过有误的行，导入其余部分</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Nothing changes until you press Import. Products whose SKU is already in this session are left as they are: edit them in the queue.</source>
        <translation>按“导入”之前不会有任何改动。SKU 已在本场直播中的商品保持不变：请在商品队列中编辑。</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Rows left out</source>
        <translation>未导入的行</translation>
    </message>
    <message>
        <source>This file cannot be imported, so nothing will change: {0}</source>
        <translation>此文件无法导入，不会做任何改动：{0}</translation>
    </message>
    <message>
        <source>In this session already: left as it is</source>
        <translation>已在本场直播中：保持不变</translation>
    </message>
    <message>
        <source>New</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Row {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <source>Read as {0}: {1} products to import, {2} already in this session, {3} rows left out.</source>
        <translation>按 {0} 读取：{1} 个商品待导入，{2} 个已在本场直播中，{3} 行未导入。</translation>
    </message>
    <message>
        <source>Stock shown as “not tracked” is blank in the file: it is set to {0}, so orders are never refused for it.</source>
        <translation>显示为“不跟踪”的库存在文件中为空：设为 {0}，订单不会因库存被拒。</translation>
    </message>
    <message>
        <source>not tracked</source>
        <translation>不跟踪</translation>
    </message>
    <message>
        <source>{0} + not tracked</source>
        <translation>{0} + 不跟踪</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Imported {0} products.</source>
        <translation>已导入 {0} 个商品。</translation>
    </message>
    <message>
        <source>{0} pictures named by URL are not fetched now: they show as tiles.</source>
        <translation>{0} 张网址图片暂不下载：以色块显示。</translation>
    </message>
    <message>
        <source>Fetching {0} pictures… (closing this window stops it)</source>
        <translation>正在下载 {0} 张图片…（关闭此窗口即停止）</translation>
    </message>
    <message>
        <source>Fetching pictures failed: {0}</source>
        <translation>图片下载失败：{0}</translation>
    </message>
    <message>
        <source>{0} of {1} pictures fetched.</source>
        <translation>已下载 {0}/{1} 张图片。</translation>
    </message>
    <message>
        <source>and {0} more</source>
        <translation>另有 {0} 项</translation>
    </message>
</context>
<context>
    <name>KpiTiles</name>
    <message>
        <source>GMV</source>
        <translation>成交金额</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单数</translation>
    </message>
    <message>
        <source>Units</source>
        <translation>成交件数</translation>
    </message>
    <message>
        <source>AOV</source>
        <translation>客单价</translation>
    </message>
    <message>
        <source>Viewers online</source>
        <translation>在线人数</translation>
    </message>
    <message>
        <source>Peak viewers</source>
        <translation>最高在线</translation>
    </message>
    <message>
        <source>Entries</source>
        <translation>进场人数</translation>
    </message>
    <message>
        <source>Conversion</source>
        <translation>转化率</translation>
    </message>
    <message>
        <source>UV value</source>
        <translation>UV价值</translation>
    </message>
    <message>
        <source>GPM</source>
        <translation>千次观看成交额</translation>
    </message>
    <message>
        <source>Likes</source>
        <translation>点赞</translation>
    </message>
    <message>
        <source>Comments</source>
        <translation>评论</translation>
    </message>
    <message>
        <source>Follows</source>
        <translation>关注</translation>
    </message>
    <message>
        <source>{0} /min</source>
        <translation>{0} /分钟</translation>
    </message>
</context>
<context>
    <name>LibraryModel</name>
    <message>
        <source>Live</source>
        <translation>直播中</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Unreadable</source>
        <translation>无法读取</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>录制中</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>校验中…</translation>
    </message>
    <message>
        <source>Intact</source>
        <translation>完好</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>已损坏</translation>
    </message>
    <message>
        <source>Checked once the session ends</source>
        <translation>场次结束后校验</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>GMV</source>
        <translation>成交金额</translation>
    </message>
    <message>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <source>Peak viewers</source>
        <translation>最高在线</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Integrity</source>
        <translation>完整性</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <source>The highest viewers-online reading, taken each second</source>
        <translation>每秒在线人数的最高值</translation>
    </message>
    <message>
        <source>Interrupted: recording stopped before the session ended</source>
        <translation>已中断：场次结束前录制停止了</translation>
    </message>
    <message>
        <source>Whether the hash chain shows the log as it was recorded</source>
        <translation>哈希链是否表明日志与录制时一致</translation>
    </message>
    <message>
        <source>Space the file takes on disk</source>
        <translation>文件占用的磁盘空间</translation>
    </message>
</context>
<context>
    <name>LibraryWindow</name>
    <message>
        <source>Session library</source>
        <translation>场次库</translation>
    </message>
    <message>
        <source>Search by title or file name</source>
        <translation>按标题或文件名搜索</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续直播</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>This file cannot be opened: {0}</source>
        <translation>无法打开此文件：{0}</translation>
    </message>
    <message>
        <source>This session&apos;s log has been changed since it was recorded: {0}</source>
        <translation>此场次的日志在录制后被改动过：{0}</translation>
    </message>
    <message>
        <source>Recording stopped before the session ended. Resume goes on in the same file.</source>
        <translation>场次结束前录制停止了。“继续直播”会在同一个文件中接着录制。</translation>
    </message>
    <message>
        <source>This session is being recorded now.</source>
        <translation>此场次正在录制。</translation>
    </message>
    <message>
        <source>Import a session file</source>
        <translation>导入场次文件</translation>
    </message>
    <message>
        <source>Live Console sessions (*.live.db);;All files (*)</source>
        <translation>Live Console 场次 (*.live.db);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Importing {0}…</source>
        <translation>正在导入 {0}…</translation>
    </message>
    <message>
        <source>Imported as {0}</source>
        <translation>已导入为 {0}</translation>
    </message>
    <message>
        <source>Delete “{0}” ({1})? The recording and its log are removed from this computer for good.</source>
        <translation>删除“{0}”（{1}）？录制内容和日志将从这台电脑上永久删除。</translation>
    </message>
    <message>
        <source>Delete session</source>
        <translation>删除场次</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>a year</source>
        <translation>1 年</translation>
    </message>
    <message>
        <source>{0} years</source>
        <translation>{0} 年</translation>
    </message>
    <message>
        <source>This session was recorded on {0}, less than {1} ago. Records of live sales must be kept for {1} (the retention period in Settings › Library), so it should stay until {2}. Delete it anyway?</source>
        <translation>此场次录制于 {0}，距今不足 {1}。直播销售记录须保存 {1}（设置 › 场次库中的保存期限），应保留到 {2}。仍要删除吗？</translation>
    </message>
    <message>
        <source>Within the retention period</source>
        <translation>仍在保存期限内</translation>
    </message>
    <message>
        <source>Delete anyway</source>
        <translation>仍然删除</translation>
    </message>
    <message>
        <source>Deleted {0}</source>
        <translation>已删除 {0}</translation>
    </message>
</context>
<context>
    <name>LiveCharts</name>
    <message>
        <source>Last 30 min</source>
        <translation>近 30 分钟</translation>
    </message>
    <message>
        <source>Whole session</source>
        <translation>整场</translation>
    </message>
    <message>
        <source>Orders / min</source>
        <translation>订单数/分钟</translation>
    </message>
    <message>
        <source>GMV / min</source>
        <translation>成交金额/分钟</translation>
    </message>
    <message>
        <source>Viewers online</source>
        <translation>在线人数</translation>
    </message>
    <message>
        <source>Comments / min</source>
        <translation>评论/分钟</translation>
    </message>
    <message>
        <source>Follows / min</source>
        <translation>关注/分钟</translation>
    </message>
    <message>
        <source>Likes / min</source>
        <translation>点赞/分钟</translation>
    </message>
    <message>
        <source>{time} · orders {orders} · GMV {gmv} · viewers {viewers} · comments {comments} · likes {likes} · follows {follows}</source>
        <translation>{time} · 订单 {orders} · 成交金额 {gmv} · 在线 {viewers} · 评论 {comments} · 点赞 {likes} · 关注 {follows}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Live Console — {0}</source>
        <translation>直播中控台 — {0}</translation>
    </message>
    <message>
        <source>Flash deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>&amp;Session</source>
        <translation>直播(&amp;S)</translation>
    </message>
    <message>
        <source>OBS overlay</source>
        <translation>OBS 叠加层</translation>
    </message>
    <message>
        <source>Add marker…</source>
        <translation>添加标记…</translation>
    </message>
    <message>
        <source>End session…</source>
        <translation>结束直播…</translation>
    </message>
    <message>
        <source>The post-live review, once the session has ended</source>
        <translation>场次结束后可导出直播复盘</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>&amp;Products</source>
        <translation>商品(&amp;P)</translation>
    </message>
    <message>
        <source>Add product…</source>
        <translation>添加商品…</translation>
    </message>
    <message>
        <source>Edit product…</source>
        <translation>编辑商品…</translation>
    </message>
    <message>
        <source>Duplicate product…</source>
        <translation>复制商品…</translation>
    </message>
    <message>
        <source>Remove product…</source>
        <translation>移除商品…</translation>
    </message>
    <message>
        <source>Flash deal…</source>
        <translation>秒杀…</translation>
    </message>
    <message>
        <source>Import catalog…</source>
        <translation>导入商品目录…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>设置…</translation>
    </message>
    <message>
        <source>Select a product in the queue first.</source>
        <translation>请先在商品列表中选中一个商品。</translation>
    </message>
    <message>
        <source>Add marker</source>
        <translation>添加标记</translation>
    </message>
    <message>
        <source>What happened? (shown on the charts and in the review)</source>
        <translation>发生了什么？（会显示在图表和复盘中）</translation>
    </message>
    <message>
        <source>End session</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <source>End “{0}” now? The session is saved and cannot be resumed.</source>
        <translation>现在结束“{0}”吗？本场已保存，结束后无法继续。</translation>
    </message>
    <message>
        <source>Quit Live Console</source>
        <translation>退出直播中控台</translation>
    </message>
    <message>
        <source>{0:,} events are not saved yet: {1}. Quit anyway and lose them?</source>
        <translation>还有 {0:,} 个事件没有保存：{1}。仍要退出并丢弃它们吗？</translation>
    </message>
    <message>
        <source>The session is live. Quit and end it? Everything so far is saved.</source>
        <translation>正在直播。要退出并结束本场吗？目前的数据都已保存。</translation>
    </message>
</context>
<context>
    <name>OverlayPanel</name>
    <message>
        <source>Now presenting</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <source>Flash deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>Order ticker</source>
        <translation>订单滚动</translation>
    </message>
    <message>
        <source>All in one</source>
        <translation>合并版式</translation>
    </message>
    <message>
        <source>In OBS add a Browser source with a URL below, sized 1920×1080 (or 1080×1920 for a vertical stream).</source>
        <translation>在 OBS 中添加“浏览器”来源，填入下面的网址，尺寸 1920×1080（竖屏直播用 1080×1920）。</translation>
    </message>
    <message>
        <source>Remote (phone)</source>
        <translation>遥控（手机）</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Open in the web browser</source>
        <translation>在浏览器中打开</translation>
    </message>
    <message>
        <source>Only this computer can open the remote: for a phone, turn on “Reachable on the local network” in Settings → Overlay.</source>
        <translation>目前只有本机能打开遥控页面：如要在手机上使用，请在“设置 → 直播叠加层”中打开“允许局域网访问”。</translation>
    </message>
    <message>
        <source>Preview (1920×1080), drawn by the console from what the overlays receive:</source>
        <translation>预览（1920×1080），由控制台按叠加层收到的内容绘制：</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
    <message>
        <source>Serving overlays on {0} · browser sources connected: {1}</source>
        <translation>叠加层服务地址 {0} · 已连接的浏览器来源：{1}</translation>
    </message>
    <message>
        <source>The overlay server is not running.</source>
        <translation>叠加层服务未运行。</translation>
    </message>
</context>
<context>
    <name>OverlayPreview</name>
    <message>
        <source>Flash deal price</source>
        <translation>秒杀价</translation>
    </message>
    <message>
        <source>Now presenting</source>
        <translation>讲解中</translation>
    </message>
    <message>
        <source>from {0}</source>
        <translation>{0} 起</translation>
    </message>
    <message>
        <source>Flash deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>Starts in</source>
        <translation>距开抢</translation>
    </message>
    <message>
        <source>Ends in</source>
        <translation>距结束</translation>
    </message>
    <message>
        <source>Sold out</source>
        <translation>已售罄</translation>
    </message>
    <message>
        <source>Deal ended</source>
        <translation>秒杀已结束</translation>
    </message>
    <message>
        <source>{0} of {1} left</source>
        <translation>剩余 {0}/{1}</translation>
    </message>
    <message>
        <source>A viewer</source>
        <translation>一位观众</translation>
    </message>
    <message>
        <source>just bought {0} ×{1}</source>
        <translation>刚刚下单 {0} ×{1}</translation>
    </message>
</context>
<context>
    <name>PathField</name>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
</context>
<context>
    <name>PresentingPanel</name>
    <message>
        <source>Nothing presenting.
Select a product in the queue and press Enter.</source>
        <translation>当前没有讲解中的商品。
在商品列表中选中商品后按回车键。</translation>
    </message>
    <message>
        <source>Stock left</source>
        <translation>剩余库存</translation>
    </message>
    <message>
        <source>Sold while presenting</source>
        <translation>讲解期间成交</translation>
    </message>
    <message>
        <source>Time presented</source>
        <translation>已讲解时长</translation>
    </message>
    <message>
        <source>Sold out</source>
        <translation>已售罄</translation>
    </message>
    <message>
        <source>{0} sold · {1}</source>
        <translation>已售 {0} 件 · {1}</translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <source>Add product</source>
        <translation>添加商品</translation>
    </message>
    <message>
        <source>Edit product</source>
        <translation>编辑商品</translation>
    </message>
    <message>
        <source>Duplicate product</source>
        <translation>复制商品</translation>
    </message>
    <message>
        <source>optional, the crossed-out price</source>
        <translation>选填，划线价</translation>
    </message>
    <message>
        <source>optional, a picture file</source>
        <translation>选填，图片文件</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Price ({0})</source>
        <translation>价格（{0}）</translation>
    </message>
    <message>
        <source>Compare-at price</source>
        <translation>划线价</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Variants {0} keep their own prices and stock.</source>
        <translation>规格 {0} 保留各自的价格和库存。</translation>
    </message>
    <message>
        <source>The session refused this product: {0}</source>
        <translation>本场未接受此商品：{0}</translation>
    </message>
    <message>
        <source>Enter a SKU.</source>
        <translation>请输入 SKU。</translation>
    </message>
    <message>
        <source>SKU “{0}” is already used by another product.</source>
        <translation>SKU“{0}”已被其他商品使用。</translation>
    </message>
    <message>
        <source>Enter a title.</source>
        <translation>请输入标题。</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>This product cannot be saved: {0}</source>
        <translation>无法保存此商品：{0}</translation>
    </message>
    <message>
        <source>Enter the price, such as {0}.</source>
        <translation>请输入价格，例如 {0}。</translation>
    </message>
    <message>
        <source>{0}: use a dot for decimals, such as {1}, and no thousands separator.</source>
        <translation>{0}：小数请用英文句点，例如 {1}，不要使用千位分隔符。</translation>
    </message>
    <message>
        <source>{0} cannot be negative.</source>
        <translation>{0}不能为负数。</translation>
    </message>
    <message>
        <source>{0}: “{1}” is not a price in {2}; write digits such as {3}.</source>
        <translation>{0}：“{1}”不是有效的 {2} 价格，请输入数字，例如 {3}。</translation>
    </message>
    <message>
        <source>Stock cannot be negative.</source>
        <translation>库存不能为负数。</translation>
    </message>
    <message>
        <source>Stock must be a whole number, 0 or more.</source>
        <translation>库存必须是 0 或以上的整数。</translation>
    </message>
    <message>
        <source>Choose a product image</source>
        <translation>选择商品图片</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.webp *.gif *.bmp)</source>
        <translation>图片 (*.png *.jpg *.jpeg *.webp *.gif *.bmp)</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Presenting: {0}</source>
        <translation>讲解中：{0}</translation>
    </message>
    <message>
        <source>Product</source>
        <translation>商品</translation>
    </message>
    <message>
        <source>SKU</source>
        <translation>SKU</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>价格</translation>
    </message>
    <message>
        <source>Stock</source>
        <translation>库存</translation>
    </message>
    <message>
        <source>Sold</source>
        <translation>已售</translation>
    </message>
    <message>
        <source>Picture</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Title; ▶ marks the product being presented</source>
        <translation>商品标题；▶ 表示正在讲解的商品</translation>
    </message>
    <message>
        <source>Stock keeping unit</source>
        <translation>库存单位（SKU）</translation>
    </message>
    <message>
        <source>Current price (listed price in brackets when it differs)</source>
        <translation>当前价格（与标价不同时，括号内为标价）</translation>
    </message>
    <message>
        <source>Units left</source>
        <translation>剩余件数</translation>
    </message>
    <message>
        <source>Units sold this session</source>
        <translation>本场已售件数</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <source>Filter by title or SKU</source>
        <translation>按标题或 SKU 筛选</translation>
    </message>
    <message>
        <source>Reordering is off while a filter is set.</source>
        <translation>筛选时无法调整顺序。</translation>
    </message>
    <message>
        <source>Present</source>
        <translation>讲解</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Duplicate…</source>
        <translation>复制…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>移除…</translation>
    </message>
    <message>
        <source>Drag a row, or press Ctrl+Up / Ctrl+Down, to reorder.</source>
        <translation>拖动行，或按 Ctrl+Up / Ctrl+Down 调整顺序。</translation>
    </message>
    <message>
        <source>Clear the filter to reorder the queue.</source>
        <translation>清除筛选后才能调整商品顺序。</translation>
    </message>
    <message>
        <source>Select a product in the queue first.</source>
        <translation>请先在商品列表中选中一个商品。</translation>
    </message>
    <message>
        <source>Remove product</source>
        <translation>移除商品</translation>
    </message>
    <message>
        <source>Remove “{0}” ({1}) from the queue? Its sales so far stay in the session.</source>
        <translation>要从列表中移除“{0}”（{1}）吗？已有的销售记录仍保留在本场中。</translation>
    </message>
</context>
<context>
    <name>ReplayControls</name>
    <message>
        <source>Previous marker, switch or deal (Page Up)</source>
        <translation>上一个标记、切换或秒杀（Page Up）</translation>
    </message>
    <message>
        <source>Next marker, switch or deal (Page Down)</source>
        <translation>下一个标记、切换或秒杀（Page Down）</translation>
    </message>
    <message>
        <source>Jump to…</source>
        <translation>跳转到…</translation>
    </message>
    <message>
        <source>Marker</source>
        <translation>标记</translation>
    </message>
    <message>
        <source>Presenting</source>
        <translation>讲解</translation>
    </message>
    <message>
        <source>Deal</source>
        <translation>秒杀</translation>
    </message>
    <message>
        <source>Deal ended</source>
        <translation>秒杀结束</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>暂停（空格）</translation>
    </message>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格）</translation>
    </message>
</context>
<context>
    <name>ReplayWindow</name>
    <message>
        <source>Replay — {0}</source>
        <translation>回放 — {0}</translation>
    </message>
    <message>
        <source>Read-only replay of {0}</source>
        <translation>只读回放：{0}</translation>
    </message>
    <message>
        <source>Preparing fast seeking… {0}%</source>
        <translation>正在准备快速跳转… {0}%</translation>
    </message>
    <message>
        <source>Seeking stays slow: {0}</source>
        <translation>跳转仍会较慢：{0}</translation>
    </message>
    <message>
        <source>Fast seeking is ready</source>
        <translation>快速跳转已就绪</translation>
    </message>
    <message>
        <source>&amp;Replay</source>
        <translation>回放(&amp;R)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>SessionBar</name>
    <message>
        <source>Saved to {0}</source>
        <translation>保存至 {0}</translation>
    </message>
    <message>
        <source>End session</source>
        <translation>结束直播</translation>
    </message>
    <message>
        <source>▶ REPLAY</source>
        <translation>▶ 回放</translation>
    </message>
    <message>
        <source>● LIVE</source>
        <translation>● 直播中</translation>
    </message>
    <message>
        <source>ENDED</source>
        <translation>已结束</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>General</source>
        <translation>常规</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Hotkeys</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>Feed</source>
        <translation>评论区</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Connections</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Library</source>
        <translation>场次库</translation>
    </message>
    <message>
        <source>Overlay</source>
        <translation>直播叠加层</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>数据文件夹</translation>
    </message>
    <message>
        <source>Where sessions are saved. Leave empty for the standard folder.</source>
        <translation>直播记录的保存位置。留空则使用默认文件夹。</translation>
    </message>
    <message>
        <source>Currency</source>
        <translation>货币</translation>
    </message>
    <message>
        <source>ISO 4217 code for prices in new sessions, such as CNY or USD.</source>
        <translation>新场次价格所用的 ISO 4217 货币代码，例如 CNY 或 USD。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Language of the console&apos;s menus, labels and messages.</source>
        <translation>中控台菜单、标签和提示所用的语言。</translation>
    </message>
    <message>
        <source>Same as the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
    <message>
        <source>简体中文</source>
        <translation>简体中文</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Dark suits a dim studio; light suits a bright room.</source>
        <translation>深色适合较暗的直播间，浅色适合明亮的环境。</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Next product</source>
        <translation>下一个商品</translation>
    </message>
    <message>
        <source>Present the next product in the queue.</source>
        <translation>讲解列表中的下一个商品。</translation>
    </message>
    <message>
        <source>Previous product</source>
        <translation>上一个商品</translation>
    </message>
    <message>
        <source>Present the previous product in the queue.</source>
        <translation>讲解列表中的上一个商品。</translation>
    </message>
    <message>
        <source>Present selected</source>
        <translation>讲解选中商品</translation>
    </message>
    <message>
        <source>Present the product selected in the queue.</source>
        <translation>讲解列表中选中的商品。</translation>
    </message>
    <message>
        <source>Pin comment</source>
        <translation>置顶评论</translation>
    </message>
    <message>
        <source>Pin the comment selected in the feed.</source>
        <translation>置顶评论区中选中的评论。</translation>
    </message>
    <message>
        <source>Add marker</source>
        <translation>添加标记</translation>
    </message>
    <message>
        <source>Mark a moment on the charts and in the review.</source>
        <translation>在图表和复盘中标记当前时刻。</translation>
    </message>
    <message>
        <source>Launch prepared deal</source>
        <translation>上架预设秒杀</translation>
    </message>
    <message>
        <source>Launch the flash deal prepared for the presenting product.</source>
        <translation>为讲解中的商品上架预先设置好的秒杀。</translation>
    </message>
    <message>
        <source>Highlight keywords</source>
        <translation>高亮关键词</translation>
    </message>
    <message>
        <source>Comments containing any of these words are highlighted. One per line.</source>
        <translation>包含任一关键词的评论会高亮显示。每行一个。</translation>
    </message>
    <message>
        <source>Comments kept in the feed</source>
        <translation>评论区保留条数</translation>
    </message>
    <message>
        <source>Older comments leave the feed; the session file keeps them all.</source>
        <translation>较早的评论会移出评论区，直播记录文件会保留全部评论。</translation>
    </message>
    <message>
        <source>Chart time span</source>
        <translation>图表时间范围</translation>
    </message>
    <message>
        <source>How much of the session the live charts show.</source>
        <translation>实时图表显示多长时间的数据。</translation>
    </message>
    <message>
        <source>Last 30 minutes</source>
        <translation>最近 30 分钟</translation>
    </message>
    <message>
        <source>Whole session</source>
        <translation>整场</translation>
    </message>
    <message>
        <source>Twitch chat server</source>
        <translation>Twitch 聊天服务器</translation>
    </message>
    <message>
        <source>IRC-over-WebSocket address for twitch: feeds. Change it only for a proxy or a test server.</source>
        <translation>twitch: 数据源使用的 IRC-over-WebSocket 地址。仅在使用代理或测试服务器时修改。</translation>
    </message>
    <message>
        <source>Shopify webhook secret</source>
        <translation>Shopify Webhook 密钥</translation>
    </message>
    <message>
        <source>Signs order webhooks; from the Shopify admin&apos;s Notifications page. Empty: the LIVE_CONSOLE_SHOPIFY_SECRET environment variable.</source>
        <translation>用于校验订单 Webhook 签名，见 Shopify 后台的“通知”页面。留空则使用环境变量 LIVE_CONSOLE_SHOPIFY_SECRET。</translation>
    </message>
    <message>
        <source>Webhook port</source>
        <translation>Webhook 端口</translation>
    </message>
    <message>
        <source>Local port for Shopify order webhooks (on 127.0.0.1; reach it through a tunnel).</source>
        <translation>接收 Shopify 订单 Webhook 的本机端口（监听 127.0.0.1；请通过隧道访问）。</translation>
    </message>
    <message>
        <source>Keep sessions for (years)</source>
        <translation>场次保存年限</translation>
    </message>
    <message>
        <source>Deleting a younger session asks twice. Merchants in China must keep live-sales records for three years.</source>
        <translation>删除未满期限的场次需要再次确认。中国的商家须将直播销售记录保存三年。</translation>
    </message>
    <message>
        <source>Overlay port</source>
        <translation>叠加层端口</translation>
    </message>
    <message>
        <source>Local port of the OBS overlay pages and the remote. Changing it changes every overlay URL.</source>
        <translation>OBS 叠加层页面和遥控页面使用的本机端口。修改后所有叠加层网址都会改变。</translation>
    </message>
    <message>
        <source>Reachable on the local network</source>
        <translation>允许局域网访问</translation>
    </message>
    <message>
        <source>Also answer on this computer&apos;s private network address, for a second streaming PC or the remote on a phone. Plain HTTP: only on a network you trust.</source>
        <translation>同时在本机的局域网地址上提供服务，供第二台推流电脑或手机遥控使用。使用明文 HTTP：只在可信的网络中开启。</translation>
    </message>
    <message>
        <source>Remote page</source>
        <translation>遥控页面</translation>
    </message>
    <message>
        <source>A page for an assistant&apos;s phone: next or previous product, launch the prepared deal, add a marker. Every tap is logged.</source>
        <translation>给助理手机用的页面：上一个或下一个商品、开启已准备的秒杀、添加标记。每次操作都会记入日志。</translation>
    </message>
    <message>
        <source>Overlay token</source>
        <translation>叠加层令牌</translation>
    </message>
    <message>
        <source>The secret in every overlay URL. Regenerate it if a URL got out; each OBS browser source then needs the new URL.</source>
        <translation>每个叠加层网址中的密钥。网址泄露时请重新生成；之后每个 OBS 浏览器来源都要换成新网址。</translation>
    </message>
    <message>
        <source>Remote token</source>
        <translation>遥控令牌</translation>
    </message>
    <message>
        <source>The secret in the remote page&apos;s URL. It differs from the overlay token, so an overlay URL cannot control the show.</source>
        <translation>遥控页面网址中的密钥。它与叠加层令牌不同，所以叠加层网址无法控制直播。</translation>
    </message>
    <message>
        <source>There is no setting “{0}”</source>
        <translation>没有名为“{0}”的设置</translation>
    </message>
    <message>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <source>{0}: {1} is also the key for “{2}”</source>
        <translation>{0}：{1} 已是“{2}”的快捷键</translation>
    </message>
    <message>
        <source>{0}: the overlay and remote tokens must differ</source>
        <translation>{0}：叠加层令牌与遥控令牌必须不同</translation>
    </message>
    <message>
        <source>expected text, not “{0}”</source>
        <translation>应为文本，而不是“{0}”</translation>
    </message>
    <message>
        <source>use a full path, such as {0}</source>
        <translation>请填写完整路径，例如 {0}</translation>
    </message>
    <message>
        <source>{0} is a file, not a folder</source>
        <translation>{0} 是文件，不是文件夹</translation>
    </message>
    <message>
        <source>“{0}” is not a currency code; use three letters, such as CNY</source>
        <translation>“{0}”不是货币代码，请填写三个字母，例如 CNY</translation>
    </message>
    <message>
        <source>“{0}” is not one of {1}</source>
        <translation>“{0}”不在可选值 {1} 中</translation>
    </message>
    <message>
        <source>choose a key</source>
        <translation>请设置一个按键</translation>
    </message>
    <message>
        <source>“{0}” is not a single key or key combination</source>
        <translation>“{0}”不是单个按键或组合键</translation>
    </message>
    <message>
        <source>expected a list of words, not “{0}”</source>
        <translation>应为关键词列表，而不是“{0}”</translation>
    </message>
    <message>
        <source>“{0}” is not a ws:// or wss:// address</source>
        <translation>“{0}”不是 ws:// 或 wss:// 地址</translation>
    </message>
    <message>
        <source>expected text</source>
        <translation>应为文本</translation>
    </message>
    <message>
        <source>expected on or off, not “{0}”</source>
        <translation>应为开或关，而不是“{0}”</translation>
    </message>
    <message>
        <source>use 22 to 128 letters, digits, - or _, or leave it empty for a new one</source>
        <translation>请使用 22 到 128 个字母、数字、- 或 _，或留空以生成新的</translation>
    </message>
    <message>
        <source>expected a whole number, not “{0}”</source>
        <translation>应为整数，而不是“{0}”</translation>
    </message>
    <message>
        <source>{0} is outside {1}–{2}</source>
        <translation>{0} 不在 {1}–{2} 范围内</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>{0}; using the default ({1})</source>
        <translation>{0}；已改用默认值（{1}）</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Standard folder: {0}</source>
        <translation>默认文件夹：{0}</translation>
    </message>
    <message>
        <source>Choose the data folder</source>
        <translation>选择数据文件夹</translation>
    </message>
    <message>
        <source>Made when the overlay starts</source>
        <translation>叠加层启动时生成</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>One per line</source>
        <translation>每行一个</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Some saved settings could not be used:</source>
        <translation>部分已保存的设置无效：</translation>
    </message>
    <message>
        <source>Language and data folder changes apply the next time Live Console starts.</source>
        <translation>语言和数据文件夹的更改将在下次启动直播中控台时生效。</translation>
    </message>
    <message>
        <source>Nothing was saved: fix the marked settings.</source>
        <translation>未保存任何更改：请先修正标出的设置。</translation>
    </message>
</context>
<context>
    <name>StartDialog</name>
    <message>
        <source>Start a session — Live Console</source>
        <translation>开始直播 — 直播中控台</translation>
    </message>
    <message>
        <source>Resume “{0}” — Live Console</source>
        <translation>继续直播“{0}” — Live Console</translation>
    </message>
    <message>
        <source>Practice</source>
        <translation>练习</translation>
    </message>
    <message>
        <source>Practice: small room (tens of viewers)</source>
        <translation>练习：小直播间（几十人在线）</translation>
    </message>
    <message>
        <source>Practice: busy room (about 2,000 online)</source>
        <translation>练习：热门直播间（约 2,000 人在线）</translation>
    </message>
    <message>
        <source>Practice: mega stream (300,000 online)</source>
        <translation>练习：超大直播间（30 万人在线）</translation>
    </message>
    <message>
        <source>Live: connect to feeds</source>
        <translation>正式直播：连接数据源</translation>
    </message>
    <message>
        <source>One per line, for example:
ws://127.0.0.1:8765/feed?token=…
twitch:channel</source>
        <translation>每行一个，例如：
ws://127.0.0.1:8765/feed?token=…
twitch:channel</translation>
    </message>
    <message>
        <source>Accept Shopify order webhooks on port {0}</source>
        <translation>在端口 {0} 接收 Shopify 订单 Webhook</translation>
    </message>
    <message>
        <source>Sample catalog (12 products)</source>
        <translation>示例商品表（12 个商品）</translation>
    </message>
    <message>
        <source>Choose a catalog (Shopify, WooCommerce or simple CSV)</source>
        <translation>选择商品目录（Shopify、WooCommerce 或简单 CSV）</translation>
    </message>
    <message>
        <source>Catalogs (*.csv *.json)</source>
        <translation>商品目录 (*.csv *.json)</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>直播标题</translation>
    </message>
    <message>
        <source>Audience</source>
        <translation>观众</translation>
    </message>
    <message>
        <source>Feeds</source>
        <translation>数据源</translation>
    </message>
    <message>
        <source>Catalog CSV</source>
        <translation>商品 CSV 文件</translation>
    </message>
    <message>
        <source>Start session</source>
        <translation>开始直播</translation>
    </message>
    <message>
        <source>Resume session</source>
        <translation>继续直播</translation>
    </message>
    <message>
        <source>Session library…</source>
        <translation>场次库…</translation>
    </message>
    <message>
        <source>“{0}” stopped before it ended. Resume it in the same file?</source>
        <translation>“{0}”在结束前中断了。要在同一个文件中继续直播吗？</translation>
    </message>
    <message>
        <source>Resume…</source>
        <translation>继续直播…</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>直播</translation>
    </message>
    <message>
        <source>Give the session a title.</source>
        <translation>请填写本场直播的标题。</translation>
    </message>
    <message>
        <source>Name at least one feed, or accept Shopify order webhooks.</source>
        <translation>请至少填写一个数据源，或接收 Shopify 订单 Webhook。</translation>
    </message>
    <message>
        <source>This feed cannot be used: {0}</source>
        <translation>此数据源无法使用：{0}</translation>
    </message>
    <message>
        <source>Webhooks need the Shopify webhook secret: set it in Settings → Connections.</source>
        <translation>Webhook 需要 Shopify Webhook 密钥：请在“设置 → 连接”中填写。</translation>
    </message>
    <message>
        <source>The catalog cannot be used: {0}</source>
        <translation>无法使用该商品表：{0}</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>■ Session ended</source>
        <translation>■ 直播已结束</translation>
    </message>
    <message>
        <source>○ No feed</source>
        <translation>○ 无数据源</translation>
    </message>
    <message>
        <source>● Feed live</source>
        <translation>● 数据源已连接</translation>
    </message>
    <message>
        <source>● {0} feeds live</source>
        <translation>● {0} 个数据源已连接</translation>
    </message>
    <message>
        <source>live</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>连接中…</translation>
    </message>
    <message>
        <source>reconnecting in {0} s ({1})</source>
        <translation>{0} 秒后重连（{1}）</translation>
    </message>
    <message>
        <source>failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>{0:,.0f} events/s</source>
        <translation>{0:,.0f} 条事件/秒</translation>
    </message>
    <message>
        <source>⚠ Not saved yet: {0} — {1:,} events wait in memory</source>
        <translation>⚠ 尚未保存：{0} — {1:,} 条事件在内存中等待写入</translation>
    </message>
    <message>
        <source>⚠ Not saved yet: {0} — memory is full: {1:,} audience events refused, your own actions are still kept</source>
        <translation>⚠ 尚未保存：{0} — 内存已满：已拒收 {1:,} 条观众事件，您的操作仍会保留</translation>
    </message>
    <message>
        <source>⚠ {0:,} audience events were not recorded while the file could not keep up</source>
        <translation>⚠ 文件无法写入期间，有 {0:,} 条观众事件未被记录</translation>
    </message>
    <message>
        <source>⚠ The file is behind: write lag {0:.0f} ms</source>
        <translation>⚠ 文件写入落后：写入延迟 {0:.0f} 毫秒</translation>
    </message>
    <message>
        <source>write lag {0:.0f} ms</source>
        <translation>写入延迟 {0:.0f} 毫秒</translation>
    </message>
</context>
</TS>
