// comment-analysis without a model: normalisation, the rule layer and its
// combination with a model distribution, spam, near-duplicate folding, hot
// words, windows and alerts, bounded line reading, product suggestions, and
// the report's bucket width and comment truncation.
// Every comment here was written for this test; every expected value is
// worked out by hand from the rules in examples/README.md.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "comment_analysis/advice.hpp"
#include "comment_analysis/bucket_width.hpp"
#include "comment_analysis/clusters.hpp"
#include "comment_analysis/combine.hpp"
#include "comment_analysis/comments.hpp"
#include "comment_analysis/hotwords.hpp"
#include "comment_analysis/line_reader.hpp"
#include "comment_analysis/normalize.hpp"
#include "comment_analysis/pipeline.hpp"
#include "comment_analysis/rules.hpp"
#include "comment_analysis/spam.hpp"
#include "comment_analysis/windows.hpp"
#include "common/utf8.hpp"

using namespace comments;

namespace {

// The rules alone (no model), as the app labels a comment: clean, normalise, rules, combine.
Decision rules_only(const std::string& text) { return combine(apply_rules(normalize(clean_text(text))), std::nullopt); }

std::string intent_of(const std::string& text) { return app::prompts::kIntents[static_cast<std::size_t>(rules_only(text).intent)]; }
std::string sentiment_of(const std::string& text) {
  return app::prompts::kSentiments[static_cast<std::size_t>(rules_only(text).sentiment)];
}

// A model distribution with all mass on one (intent, sentiment) answer.
std::array<double, kModelLabels> model_says(int intent, int sentiment, double p = 1.0) {
  std::array<double, kModelLabels> a{};
  const double rest = (1 - p) / (kModelLabels - 1);
  a.fill(rest);
  a[static_cast<std::size_t>(intent) * 3 + static_cast<std::size_t>(sentiment)] = p;
  return a;
}

}  // namespace

TEST_CASE("normalize: width, case, traditional characters, punctuation and repeats", "[comment_rules]") {
  CHECK(normalize("ＹＹＤＳ！！！") == "yyds!");
  CHECK(normalize("還沒發貨") == "还没发货");
  CHECK(normalize("這個多少錢？？？") == "这个多少钱?");
  CHECK(normalize("哈哈哈哈哈") == "哈哈");
  CHECK(normalize("冲冲冲冲") == "冲冲");
  CHECK(normalize("666666") == "666666");          // digits are never collapsed
  CHECK(normalize("容量10000mAh") == "容量10000mah");
  CHECK(normalize("好看❤️❤️❤️") == "好看❤");        // emoji kept (one), variation selector dropped
  CHECK(normalize("  “宠粉”  ") == "\"宠粉\"");
  for (const char* s : {"ＹＹＤＳ！！！", "還沒發貨啊啊啊啊", "好看❤️❤️❤️ 冲冲冲"}) CHECK(normalize(normalize(s)) == normalize(s));
}

TEST_CASE("rules: questions and statements", "[comment_rules]") {
  CHECK(is_question_text(normalize("多少钱")));
  CHECK(is_question_text(normalize("有XL吗")));
  CHECK(is_question_text(normalize("咋发货")));
  CHECK(is_question_text(normalize("好用么")));
  CHECK_FALSE(is_question_text(normalize("这么贵")));  // 这么 is not a question
  CHECK_FALSE(is_question_text(normalize("已拍")));
}

TEST_CASE("rules: intents of plain comments", "[comment_rules]") {
  CHECK(intent_of("多少钱") == "price");
  CHECK(intent_of("这个多少米") == "price");      // 米 = 元
  CHECK(intent_of("有券吗") == "price");
  CHECK(intent_of("我160斤穿什么码") == "spec");
  CHECK(intent_of("是纯棉的吗") == "spec");
  CHECK(intent_of("包邮吗") == "shipping");
  CHECK(intent_of("发什么快递") == "shipping");
  CHECK(intent_of("已拍") == "purchase");
  CHECK(intent_of("蹲一个") == "purchase");
  CHECK(intent_of("扣1") == "purchase");
  CHECK(intent_of("几号链接") == "purchase");
  CHECK(intent_of("yyds 绝绝子") == "praise");
  CHECK(intent_of("主播晚上好") == "other");
  CHECK(intent_of("今天好无聊") == "other");
  CHECK(sentiment_of("已拍 冲冲冲") == "positive");
  CHECK(sentiment_of("多少钱") == "neutral");
  CHECK(sentiment_of("好看😍") == "positive");
}

TEST_CASE("rules: complaints, and complaint cues first", "[comment_rules]") {
  for (const char* c : {"收到是坏的，要退款😡", "三天了还没发货", "踩雷了 纯纯智商税", "客服不回消息", "掉色了 差评",
                        "假货吧 骗人", "怎么还没发货？", "這個質量太差了", "这么贵还是坏的"}) {
    INFO(c);
    CHECK(intent_of(c) == "complaint");
    CHECK(sentiment_of(c) == "negative");
  }
}

TEST_CASE("rules: negation", "[comment_rules]") {
  CHECK(intent_of("不贵") == "price");
  CHECK(sentiment_of("不贵") == "positive");
  CHECK(sentiment_of("太贵了") == "negative");
  CHECK(intent_of("不好看") == "complaint");  // a bad word about the product itself
  CHECK(sentiment_of("不好看") == "negative");
  CHECK(intent_of("好看") == "praise");
  CHECK(intent_of("没发货") == "complaint");
  CHECK(intent_of("发货了吗") == "shipping");
  CHECK(apply_rules(normalize("一点都不好看")).negated);
  CHECK(intent_of("一点都不好看") == "complaint");
}

TEST_CASE("rules: a defect asked about is a spec question, a defect stated a complaint", "[comment_rules]") {
  CHECK(intent_of("会掉色吗") == "spec");
  CHECK(intent_of("洗了不掉色") == "praise");  // a defect denied
  CHECK(sentiment_of("没有色差") == "positive");
  CHECK(sentiment_of("会掉色吗") == "neutral");
  CHECK(intent_of("掉色了") == "complaint");
  CHECK(intent_of("怎么又起球了") == "complaint");  // rhetorical: a complaint, not a question
  CHECK(intent_of("好用吗") == "spec");              // asks about a quality: no praise given
  CHECK(sentiment_of("好用吗") == "neutral");
}

TEST_CASE("rules: sarcasm turns praise around a rise or a problem into a complaint", "[comment_rules]") {
  const RuleResult r = apply_rules(normalize("又涨价了 真是“宠粉”啊"));
  CHECK(r.sarcastic);
  CHECK(intent_of("又涨价了 真是“宠粉”啊") == "complaint");
  CHECK(sentiment_of("又涨价了 真是“宠粉”啊") == "negative");
  CHECK(intent_of("呵呵 发货真快 一周了还没到") == "complaint");
  CHECK(intent_of("“良心”商家") == "complaint");  // praise in quotes
  CHECK_FALSE(apply_rules(normalize("真是太好看了")).sarcastic);  // 真是 without a problem is sincere
  CHECK(intent_of("真是太好看了") == "praise");
}

TEST_CASE("combine: clear rules decide, the model decides without cues", "[comment_rules]") {
  // A clear complaint stays a complaint whatever the model says.
  const RuleResult complaint = apply_rules(normalize("收到是坏的"));
  const Decision d = combine(complaint, model_says(kPraise, kPositive));
  CHECK(d.intent == kComplaint);
  CHECK(d.sentiment == kNegative);
  CHECK(std::string(d.source) == "rules");
  // Both agree.
  const Decision both = combine(apply_rules(normalize("多少钱")), model_says(kPrice, kNeutral));
  CHECK(both.intent == kPrice);
  CHECK(std::string(both.source) == "both");
  // A statement without any cue: a weak 'other' vote the model overrules when sure.
  const Decision m = combine(apply_rules(normalize("嗯嗯")), model_says(kSpec, kNeutral, 0.9));
  CHECK(m.intent == kSpec);
  CHECK(std::string(m.source) == "model");
  // The output is always one of the labels, confidence in (0, 1].
  for (const Decision& x : {d, both, m}) {
    CHECK(x.intent >= 0);
    CHECK(x.intent < 7);
    CHECK(x.confidence > 0);
    CHECK(x.confidence <= 1);
  }
}

TEST_CASE("spam: links, contact ids and ad phrases: prices and specs are not", "[comment_rules]") {
  CHECK(ad_reason(normalize("加vx abc12345 带你赚钱")) == "contact");
  CHECK(ad_reason(normalize("加薇：wx_778899")) == "contact");
  CHECK(ad_reason(normalize("QQ 2345678901")) == "contact");
  CHECK(ad_reason(normalize("138 1234 5678")) == "contact");
  CHECK(ad_reason(normalize("看这里 https://t.cn/abc")) == "url");
  CHECK(ad_reason(normalize("兼职刷单日赚300")) == "ad phrase");
  CHECK(ad_reason(normalize("容量10000mAh吗")) == "");
  CHECK(ad_reason(normalize("到手价1999元")) == "");
  CHECK(ad_reason(normalize("vx什么时候发货")) == "");  // a marker without an id
}

TEST_CASE("spam: the same long text from several users: short questions never", "[comment_rules]") {
  RepeatTracker t(3, 10);
  const std::string ad = fold_key(normalize("家人们快去看今晚的月亮好圆好圆"));
  CHECK(t.add(ad, "a") == 1);
  CHECK(t.add(ad, "a") == 1);  // one user twice is one user
  CHECK(t.add(ad, "b") == 2);
  CHECK_FALSE(t.is_spam(ad));
  CHECK(t.add(ad, "c") == 3);
  CHECK(t.is_spam(ad));
  const std::string q = fold_key(normalize("多少钱"));
  for (const char* u : {"a", "b", "c", "d", "e"}) CHECK(t.add(q, u) == 0);
  CHECK_FALSE(t.is_spam(q));
}

TEST_CASE("pipeline (rules only): spam is flagged, earlier copies too, and kept out of cluster counts", "[comment_rules]") {
  Pipeline p(nullptr, nullptr, 3);
  std::vector<Comment> all;
  const char* ad = "家人们快去看今晚的月亮好圆好圆";  // off-topic, flooded by 4 users
  int line = 0;
  for (const char* user : {"a", "b", "c", "d"}) {
    Comment c;
    c.line = static_cast<std::size_t>(++line);
    c.t = line;
    c.user = user;
    c.text = c.clean = ad;
    all.push_back(c);
  }
  Comment q;
  q.line = 5, q.t = 5, q.user = "e", q.text = q.clean = "多少钱？";
  all.push_back(q);
  p.label(all);
  CHECK_FALSE(all[0].spam);  // 1 and 2 users: not yet
  CHECK_FALSE(all[1].spam);
  CHECK(all[2].spam);
  CHECK(all[3].spam);
  CHECK(all[4].intent == kPrice);
  std::vector<Comment> none;
  p.finalize(all, none);
  for (int i = 0; i < 4; ++i) CHECK(all[static_cast<std::size_t>(i)].spam);
  CHECK(all[0].cluster == all[3].cluster);
  CHECK(p.clusters().get(all[0].cluster).count == 0);  // spam is not counted
  CHECK(p.clusters().get(all[0].cluster).spam == 4);
  const app::Json line_json = comment_line(all[0]);
  for (const char* k : {"type", "t", "user", "text", "intent", "sentiment", "spam", "cluster", "confidence", "source"})
    CHECK(line_json.contains(k));
  CHECK(line_json["type"] == "comment");
  CHECK(line_json["spam"] == true);
}

TEST_CASE("clusters: near-duplicates fold across punctuation, particles and addressing", "[comment_rules]") {
  const std::string k = fold_key(normalize("多少钱"));
  CHECK(k == "多少钱");
  CHECK(fold_key(normalize("多少钱？？？")) == k);
  CHECK(fold_key(normalize("多少钱啊主播")) == k);
  CHECK(fold_key(normalize("主播这个多少钱呀!!")) == k);
  CHECK(fold_key(normalize("姐妹们 多少錢")) == k);
  CHECK(fold_key(normalize("有XL吗")) != k);
  CHECK(fold_key(normalize("主播")) == "主播");  // only fillers: keep the text

  ClusterTable t;
  const std::string u1 = "u1", u2 = "u2";
  const std::size_t a = t.assign(normalize("多少钱"));
  const std::size_t b = t.assign(normalize("多少钱啊主播"));
  const std::size_t c = t.assign(normalize("有XL吗"));
  CHECK(a == b);
  CHECK(a != c);
  t.add(a, "多少钱", &u1, 1, true, kPrice, false);
  t.add(a, "多少钱啊主播", &u2, 2, true, kPrice, false);
  t.add(a, "多少钱", &u1, 3, true, kPrice, false);
  t.add(a, "多少钱", nullptr, 4, true, kPrice, false);
  const Cluster& cl = t.get(a);
  CHECK(cl.count == 4);
  CHECK(cl.user_count() == 3);  // u1, u2 and one anonymous
  CHECK(cl.text() == "多少钱");
  CHECK(cl.intent() == kPrice);
  CHECK(t.top(2, 10).size() == 1);
}

TEST_CASE("hot words: n-grams counted once per comment, sub-grams of a longer phrase dropped", "[comment_rules]") {
  const std::vector<std::string> texts = {"绝绝子好看", "真的绝绝子", "绝绝子!", "好看", "哈哈哈 好看好看"};
  const std::vector<HotWord> hot = hot_words(texts, 10, 2);
  auto count_of = [&](const std::string& w) -> long {
    for (const HotWord& h : hot)
      if (h.text == w) return static_cast<long>(h.count);
    return -1;
  };
  CHECK(count_of("绝绝子") == 3);
  CHECK(count_of("绝绝") == -1);  // explained by 绝绝子
  CHECK(count_of("绝子") == -1);
  CHECK(count_of("好看") == 3);    // once per comment although said twice in the last
  CHECK(count_of("子好看") == -1); // in one comment only
  REQUIRE(!hot.empty());
  CHECK(hot.front().count == 3);
}

TEST_CASE("windows: counts, a complaint burst and a question asked by many users", "[comment_rules]") {
  AlertConfig cfg;
  cfg.min_complaints = 3;
  cfg.complaint_share = 0.4;
  cfg.min_users = 3;
  WindowAggregator w(10, cfg);
  const std::string a = "a", b = "b", c = "c", d = "d";
  std::vector<app::Json> closed;
  auto add = [&](double t, int intent, const std::string& user, bool question, std::size_t cluster) {
    for (app::Json& j : w.add(t, intent, intent == kComplaint ? kNegative : kNeutral, false, cluster, "text", &user,
                              question, "text"))
      closed.push_back(std::move(j));
  };
  // Window [0, 10): 3 complaints of 7 (43%); a question from 3 users.
  add(1, kComplaint, a, false, 1);
  add(2, kComplaint, b, false, 1);
  add(3, kComplaint, c, false, 1);
  add(4, kPrice, a, true, 2);
  add(5, kPrice, b, true, 2);
  add(6, kPrice, c, true, 2);
  add(6.5, kPrice, c, true, 2);  // the same user again: still 3 users
  CHECK(closed.empty());
  // Window [10, 20): 2 complaints, below the burst threshold.
  add(11, kComplaint, d, false, 1);
  REQUIRE(closed.size() == 3);  // the window line, the burst, the question
  CHECK(closed[0]["type"] == "window");
  CHECK(closed[0]["comments"] == 7);
  CHECK(closed[0]["intents"]["complaint"] == 3);
  CHECK(closed[1]["type"] == "alert");
  CHECK(closed[1]["kind"] == "complaint_burst");
  CHECK(closed[1]["complaints"] == 3);
  CHECK(closed[2]["kind"] == "question");
  CHECK(closed[2]["users"] == 3);
  CHECK(closed[2]["count"] == 4);
  add(12, kComplaint, a, false, 1);
  add(5, kPrice, b, false, 2);  // late: counted in the open window
  const std::vector<app::Json> last = w.flush();
  REQUIRE(last.size() == 1);    // 2 complaints of 3: no alert
  CHECK(last[0]["comments"] == 3);
  CHECK(last[0]["start"] == 10.0);
  CHECK(w.windows().size() == 2);
  CHECK(w.alerts().size() == 2);
}

TEST_CASE("line reader: capped lines, end of input, timeout and stop", "[comment_rules]") {
  int in[2], stop[2];
  REQUIRE(pipe(in) == 0);
  REQUIRE(pipe(stop) == 0);
  const std::string big(200000, 'x');  // far over the 1000-byte cap: cut, the rest skipped as it comes
  std::thread writer([&] {
    const std::string data = "first\n" + big + "\nsecond\nlast";
    for (std::size_t at = 0; at < data.size();) {
      const ssize_t n = write(in[1], data.data() + at, std::min<std::size_t>(4096, data.size() - at));
      REQUIRE(n > 0);
      at += static_cast<std::size_t>(n);
    }
    close(in[1]);
  });
  LineReader r(in[0], 1000, stop[0]);
  std::string line;
  bool overlong = false;
  REQUIRE(r.next(line, overlong, -1) == LineReader::Status::kLine);
  CHECK(line == "first");
  CHECK_FALSE(overlong);
  REQUIRE(r.next(line, overlong, -1) == LineReader::Status::kLine);
  CHECK(overlong);
  CHECK(line.size() == 1000);
  REQUIRE(r.next(line, overlong, -1) == LineReader::Status::kLine);
  CHECK(line == "second");
  CHECK_FALSE(overlong);
  REQUIRE(r.next(line, overlong, -1) == LineReader::Status::kLine);
  CHECK(line == "last");  // no newline at the end
  CHECK(r.next(line, overlong, -1) == LineReader::Status::kEnd);
  writer.join();
  close(in[0]);

  // Nothing arrives: a timeout, then a stop.
  int idle[2];
  REQUIRE(pipe(idle) == 0);
  LineReader w(idle[0], 1000, stop[0]);
  CHECK(w.next(line, overlong, 20) == LineReader::Status::kTimeout);
  REQUIRE(write(stop[1], "x", 1) == 1);
  CHECK(w.next(line, overlong, -1) == LineReader::Status::kStopped);
  for (int fd : {idle[0], idle[1], stop[0], stop[1]}) close(fd);
}

TEST_CASE("comment feed: invalid UTF-8, binary garbage and overlong lines are bad lines", "[comment_rules]") {
  CommentFeed feed(60);
  Comment c;
  CHECK_FALSE(feed.accept("{\"t\": 1, \"text\": \"bad \xff\xfe\"}", false, c));
  CHECK_FALSE(feed.accept(std::string("\x00\x01\x02\x89PNG", 7), false, c));
  CHECK_FALSE(feed.accept("{\"t\": 2, \"text\": \"xxxx", true, c));
  CHECK(feed.accept("{\"t\": 3, \"user\": \"a\", \"text\": \"多少钱\"}", false, c));
  CHECK(c.line == 4);
  CHECK(feed.bad_count() == 3);
  REQUIRE(feed.bad_lines().size() == 3);
  CHECK(feed.bad_lines()[0].reason == "invalid UTF-8");
  CHECK(feed.bad_lines()[2].reason.find("longer than") != std::string::npos);
}

TEST_CASE("product advice: repeat the asked attribute with the product's value: address complaints", "[comment_rules]") {
  app::Product p;
  p.name = "冰丝防晒衣";
  p.price = 129.9;
  p.selling_points = {"防晒"};
  p.specs = {{"size", "S/M/L/XL"}};
  p.shipping = "48小时内发货";
  p.returns = "7天无理由退货";
  ClusterTable t;
  const std::string u[] = {"a", "b", "c", "d"};
  const std::size_t price = t.assign(normalize("多少钱"));
  for (int i = 0; i < 3; ++i) t.add(price, "多少钱", &u[i], i, true, kPrice, false);
  const std::size_t size = t.assign(normalize("有什么尺码"));
  for (int i = 0; i < 2; ++i) t.add(size, "有什么尺码", &u[i], i, true, kSpec, false);
  const std::size_t broken = t.assign(normalize("收到是坏的"));
  for (int i = 0; i < 2; ++i) t.add(broken, "收到是坏的", &u[i + 2], i, false, kComplaint, false);
  const std::size_t once = t.assign(normalize("包邮吗"));
  t.add(once, "包邮吗", &u[0], 9, true, kShipping, false);  // asked once: no suggestion

  const app::Json s = product_advice(t, &p);
  REQUIRE(s.size() == 3);
  CHECK(s[0]["kind"] == "repeat");
  CHECK(s[0]["attribute"] == "price");
  CHECK(s[0]["value"] == "129.9元");
  CHECK(s[0]["count"] == 3);
  CHECK(s[0]["users"] == 3);
  CHECK(s[1]["kind"] == "repeat");
  CHECK(s[1]["attribute"] == "size");
  CHECK(s[1]["value"] == "S/M/L/XL");
  CHECK(s[2]["kind"] == "address");
  CHECK(s[2]["text"] == "收到是坏的");
  CHECK(s[2]["say"].get<std::string>().find("7天无理由退货") != std::string::npos);
  // Without a product: the same clusters, no values.
  const app::Json bare = product_advice(t, nullptr);
  REQUIRE(bare.size() == 3);
  CHECK_FALSE(bare[0].contains("value"));
}

TEST_CASE("hand-labelled comments: the rules alone get at least 95% of intents and sentiments", "[comment_rules]") {
  // Written and labelled by hand for this test (not from any evaluation
  // set): everyday danmaku with slang, typos, emoji, negation and sarcasm.
  // The lexicons were checked against them, so this guards against
  // regressions; it is no measure of accuracy on unseen comments.
  struct Case {
    const char* text;
    const char* intent;
    const char* sentiment;
  };
  const std::vector<Case> cases = {
      {"这件多少钱啊", "price", "neutral"},
      {"多钱", "price", "neutral"},
      {"价格打在公屏上", "price", "neutral"},
      {"今天有优惠吗", "price", "neutral"},
      {"两件一起拍能便宜点不", "price", "neutral"},
      {"到手价是多少", "price", "neutral"},
      {"199米？", "price", "neutral"},
      {"好便宜啊", "price", "positive"},
      {"这价格闭眼入", "purchase", "positive"},
      {"性价比绝了", "price", "positive"},
      {"太贵了吧", "price", "negative"},
      {"贵得离谱", "price", "negative"},
      {"价格刺客啊这是", "price", "negative"},
      {"不值这个价", "complaint", "negative"},
      {"上次买才99，现在卖159", "complaint", "negative"},
      {"一天一个价 割韭菜呢", "complaint", "negative"},
      {"160能穿吗", "spec", "neutral"},
      {"身高165体重110穿什么码", "spec", "neutral"},
      {"有没有黑色", "spec", "neutral"},
      {"面料是什么", "spec", "neutral"},
      {"会起球吗", "spec", "neutral"},
      {"敏感肌能用吗", "spec", "neutral"},
      {"保质期多久", "spec", "neutral"},
      {"有几个颜色可以选", "spec", "neutral"},
      {"这个颜色好显白", "spec", "positive"},
      {"码数偏小，建议拍大一码", "spec", "negative"},
      {"什么时候发货", "shipping", "neutral"},
      {"能发新疆吗", "shipping", "neutral"},
      {"发什么快递", "shipping", "neutral"},
      {"今天拍明天能到吗", "shipping", "neutral"},
      {"顺丰包邮吗", "shipping", "neutral"},
      {"发货超快 第二天就到了", "shipping", "positive"},
      {"一周了还没发货", "complaint", "negative"},
      {"物流一直不更新", "complaint", "negative"},
      {"快递盒子压坏了", "complaint", "negative"},
      {"已拍", "purchase", "positive"},
      {"拍了两件", "purchase", "positive"},
      {"冲冲冲", "purchase", "positive"},
      {"扣1", "purchase", "neutral"},
      {"蹲", "purchase", "neutral"},
      {"链接在哪", "purchase", "neutral"},
      {"几号链接", "purchase", "neutral"},
      {"上链接啊主播", "purchase", "neutral"},
      {"给我妈也买了一件", "purchase", "positive"},
      {"没抢到 还能补货吗", "purchase", "negative"},
      {"好看", "praise", "positive"},
      {"yyds", "praise", "positive"},
      {"绝绝子", "praise", "positive"},
      {"质量真不错 回购了", "praise", "positive"},
      {"上身效果好显瘦", "praise", "positive"},
      {"买过 真的好用", "praise", "positive"},
      {"主播讲得好清楚", "praise", "positive"},
      {"爱了爱了😍", "praise", "positive"},
      {"收到了 有色差", "complaint", "negative"},
      {"用了两天就坏了", "complaint", "negative"},
      {"和图片不一样 差评", "complaint", "negative"},
      {"客服一直不回", "complaint", "negative"},
      {"申请退款没人处理", "complaint", "negative"},
      {"踩雷了 别买", "complaint", "negative"},
      {"纯纯智商税", "complaint", "negative"},
      {"假货吧", "complaint", "negative"},
      {"味道好大 熏死了", "complaint", "negative"},
      {"穿一次就起球", "complaint", "negative"},
      {"主播骗人", "complaint", "negative"},
      {"又涨价了 真是“宠粉”啊", "complaint", "negative"},
      {"呵呵 说好的48小时发货呢", "complaint", "negative"},
      {"这“福利价”比旗舰店还贵", "complaint", "negative"},
      {"主播晚上好", "other", "positive"},
      {"来了来了", "other", "neutral"},
      {"刚进来 在播什么", "other", "neutral"},
      {"打卡", "other", "neutral"},
      {"主播哪里人", "other", "neutral"},
      {"哈哈哈哈笑死", "other", "positive"},
      {"好无聊啊", "other", "negative"},
      {"网好卡", "other", "negative"},
      {"主播今天好漂亮", "other", "positive"},
      {"背景音乐叫什么", "other", "neutral"},
      {"下次什么时候播", "other", "neutral"},
      {"有人吗", "other", "neutral"},
      {"不贵 划算", "price", "positive"},
      {"一点都不好看", "complaint", "negative"},
      {"质量好吗", "spec", "neutral"},
      {"衣服收到了很喜欢", "praise", "positive"},
      {"太好吃了吧", "praise", "positive"},
      {"这个口红显白吗", "spec", "neutral"},
      {"主播我160斤能穿吗😂", "spec", "neutral"},
      {"这个链接多少钱啊", "price", "neutral"},
      {"还有没有福利", "price", "neutral"},
      {"今天是最低价吗", "price", "neutral"},
      {"下播后还是这个价吗", "price", "neutral"},
      {"两百多有点小贵", "price", "negative"},
      {"九块九包邮也太划算了", "price", "positive"},
      {"比我在超市买的贵了十块", "complaint", "negative"},
      {"直播间价格比店铺还高 离谱", "complaint", "negative"},
      {"这是什么牌子的", "spec", "neutral"},
      {"有没有无糖的", "spec", "neutral"},
      {"能放冰箱吗", "spec", "neutral"},
      {"有赠品吗", "price", "neutral"},
      {"一盒有几片", "spec", "neutral"},
      {"适合多大的宝宝", "spec", "neutral"},
      {"男生可以穿吗", "spec", "neutral"},
      {"能看下背面吗", "spec", "neutral"},
      {"试一下黑色的", "spec", "neutral"},
      {"有没有尺码表", "spec", "neutral"},
      {"发的什么快递啊", "shipping", "neutral"},
      {"海南能发吗", "shipping", "neutral"},
      {"几天发货", "shipping", "neutral"},
      {"下午拍今天能发吗", "shipping", "neutral"},
      {"快递到哪了", "shipping", "neutral"},
      {"拍了五天了物流还没信息", "complaint", "negative"},
      {"催了好几次都不发货", "complaint", "negative"},
      {"快递员态度太差了", "complaint", "negative"},
      {"包装都破了", "complaint", "negative"},
      {"拍了拍了 主播辛苦", "purchase", "positive"},
      {"已经买了三单了", "purchase", "positive"},
      {"刚下单", "purchase", "positive"},
      {"怎么领券下单", "price", "neutral"},
      {"想买但是没钱", "purchase", "negative"},
      {"1号链接还有吗", "purchase", "neutral"},
      {"加购了", "purchase", "neutral"},
      {"好看到哭", "praise", "positive"},
      {"真的很好用 已经推荐给朋友了", "praise", "positive"},
      {"味道很好 孩子爱吃", "praise", "positive"},
      {"穿上超级显瘦", "praise", "positive"},
      {"物美价廉", "praise", "positive"},
      {"东西收到了 很满意", "praise", "positive"},
      {"主播好专业", "praise", "positive"},
      {"收到的跟直播间的不是一个东西", "complaint", "negative"},
      {"洗了一次就变形了", "complaint", "negative"},
      {"电池一天就没电了", "complaint", "negative"},
      {"这质量还好意思卖", "complaint", "negative"},
      {"说好的赠品没收到", "complaint", "negative"},
      {"退款三天了还没到账", "complaint", "negative"},
      {"什么垃圾东西", "complaint", "negative"},
      {"再也不买了", "complaint", "negative"},
      {"尺码完全不准 大了两个码", "complaint", "negative"},
      {"又断货了 每次都抢不到", "complaint", "negative"},
      {"呵呵 又是这套话术", "complaint", "negative"},
      {"主播说话好好听", "other", "positive"},
      {"晚上吃什么好呢", "other", "neutral"},
      {"今天下雨了", "other", "neutral"},
      {"主播加油", "other", "positive"},
      {"哈哈哈主播太逗了", "other", "positive"},
      {"好久没来了", "other", "neutral"},
      {"主播累不累", "other", "neutral"},
      {"大家都买了吗", "other", "neutral"},
      {"主播这款多少米", "price", "neutral"},
      {"拍两件有折扣吗", "price", "neutral"},
      {"能不能再送点小样", "price", "neutral"},
      {"今天价格好香", "price", "positive"},
      {"这也太便宜了吧 冲", "purchase", "positive"},
      {"说是秒杀价结果跟平时一样", "complaint", "negative"},
      {"等降价再买", "price", "neutral"},
      {"一百多买个杯子 不值", "price", "negative"},
      {"多大容量的", "spec", "neutral"},
      {"37码脚穿多大", "spec", "neutral"},
      {"这个有异味吗", "spec", "neutral"},
      {"是国产的吗", "spec", "neutral"},
      {"裤长多少", "spec", "neutral"},
      {"有加厚款吗", "spec", "neutral"},
      {"油皮适合吗", "spec", "neutral"},
      {"颜色比图片深一点", "spec", "negative"},
      {"啥时候发", "shipping", "neutral"},
      {"发货地是哪里", "shipping", "neutral"},
      {"包邮不", "shipping", "neutral"},
      {"能送货上门吗", "shipping", "neutral"},
      {"物流太给力了", "shipping", "positive"},
      {"快递丢了也没人管", "complaint", "negative"},
      {"发货前能检查一下吗 上次是坏的", "complaint", "negative"},
      {"已拍2件", "purchase", "positive"},
      {"我也要", "purchase", "positive"},
      {"1", "purchase", "neutral"},
      {"拍了 等收货", "purchase", "positive"},
      {"上次买的用完了 再来一单", "purchase", "positive"},
      {"链接挂了吗", "purchase", "neutral"},
      {"没货了？", "purchase", "neutral"},
      {"手慢了没抢到😭", "purchase", "negative"},
      {"好喜欢这个颜色", "praise", "positive"},
      {"用过 真心推荐", "praise", "positive"},
      {"做工细致 没有线头", "praise", "positive"},
      {"这个真的香", "praise", "positive"},
      {"跟去年买的一样好用", "praise", "positive"},
      {"味道像香精 不推荐", "complaint", "negative"},
      {"穿了两次就掉色", "complaint", "negative"},
      {"收到缺了一个配件", "complaint", "negative"},
      {"客服态度好差", "complaint", "negative"},
      {"刚买完就降价 气死了", "complaint", "negative"},
      {"上次买的鞋开胶了", "complaint", "negative"},
      {"这是三无产品吧", "complaint", "negative"},
      {"呵呵 又“限量”了", "complaint", "negative"},
      {"卖这么贵真是“良心”", "complaint", "negative"},
      {"主播是东北的吗", "other", "neutral"},
      {"主播声音好甜", "other", "positive"},
      {"今天人好多啊", "other", "neutral"},
      {"有没有一起熬夜的", "other", "neutral"},
      {"好想睡觉", "other", "negative"},
      {"姐妹们这个到底多少钱啊 我刚来", "price", "neutral"},
      {"有没有满减活动", "price", "neutral"},
      {"是不是比双十一便宜", "price", "neutral"},
      {"这个价位还行吧", "price", "positive"},
      {"便宜是便宜 就是不知道质量咋样", "price", "neutral"},
      {"买一送一吗", "price", "neutral"},
      {"主播这个能用多久", "spec", "neutral"},
      {"有没有小一点的", "spec", "neutral"},
      {"这款跟上一款有什么区别", "spec", "neutral"},
      {"里面是什么填充的", "spec", "neutral"},
      {"防水吗 下雨能穿吗", "spec", "neutral"},
      {"充一次电能用几天", "spec", "neutral"},
      {"160 100斤 选s还是m", "spec", "neutral"},
      {"这个紫色好显黑", "spec", "negative"},
      {"昨天下的单什么时候发", "shipping", "neutral"},
      {"能不能先发货", "shipping", "neutral"},
      {"我在广州 几天到", "shipping", "neutral"},
      {"默认什么快递", "shipping", "neutral"},
      {"物流挺快的 三天就到了", "shipping", "positive"},
      {"快递到了不给打电话直接放驿站", "complaint", "negative"},
      {"付款半个月了还没发 你们是不是倒闭了", "complaint", "negative"},
      {"我的快递怎么显示签收了我没收到", "complaint", "negative"},
      {"拍了三单", "purchase", "positive"},
      {"给闺蜜也拍了一个", "purchase", "positive"},
      {"想入 但是在犹豫", "purchase", "neutral"},
      {"哪个链接", "purchase", "neutral"},
      {"秒空了吗", "purchase", "neutral"},
      {"还会返场吗", "purchase", "neutral"},
      {"抢到了开心", "purchase", "positive"},
      {"这款真的绝 闭眼买", "praise", "positive"},
      {"已经第三次回购了 是真的好用", "purchase", "positive"},
      {"主播推荐的都好用", "praise", "positive"},
      {"质量杠杠的", "praise", "positive"},
      {"香味很高级", "praise", "positive"},
      {"衣服很有质感", "praise", "positive"},
      {"又翻车了 这次是漏发", "complaint", "negative"},
      {"买了一周就坏 售后还推来推去", "complaint", "negative"},
      {"一股塑料味 根本没法用", "complaint", "negative"},
      {"洗完缩水缩成童装了", "complaint", "negative"},
      {"主播你们这是虚假宣传", "complaint", "negative"},
      {"真是服了 发个货要半个月", "complaint", "negative"},
      {"衣服线头好多", "complaint", "negative"},
      {"你们家的东西“太好了” 我退了三次", "complaint", "negative"},
      {"下雨了 大家注意安全", "other", "neutral"},
      {"主播今天穿的好好看", "other", "positive"},
      {"谁懂啊 今天好累", "other", "negative"},
      {"有广东的吗", "other", "neutral"},
      {"主播别走 再播一会", "other", "neutral"},
      {"哈哈哈哈我来晚了", "other", "positive"},
      {"今天的背景好好看", "other", "positive"},
      {"米多少", "price", "neutral"},
      {"多少💰", "price", "neutral"},
      {"能便宜不", "price", "neutral"},
      {"咋这么贵😤", "price", "negative"},
      {"这价也太良心了吧", "price", "positive"},
      {"今天有券没", "price", "neutral"},
      {"卖这价 抢钱呢", "complaint", "negative"},
      {"涨了二十 真行", "complaint", "negative"},
      {"xl有货没", "spec", "neutral"},
      {"啥材质", "spec", "neutral"},
      {"几斤穿m", "spec", "neutral"},
      {"长款短款都有吗", "spec", "neutral"},
      {"送人的话有礼盒吗", "spec", "neutral"},
      {"电池能换吗", "spec", "neutral"},
      {"偏码吗", "spec", "neutral"},
      {"🤔能用在车上吗", "spec", "neutral"},
      {"发货快吗", "shipping", "neutral"},
      {"顺丰还是中通", "shipping", "neutral"},
      {"港澳发吗", "shipping", "neutral"},
      {"等了10天了 还没到", "complaint", "negative"},
      {"物流在路上转了一圈", "complaint", "negative"},
      {"快递给我扔门口了", "complaint", "negative"},
      {"111", "purchase", "neutral"},
      {"拍了！", "purchase", "positive"},
      {"冲鸭", "purchase", "positive"},
      {"求上架", "purchase", "neutral"},
      {"已入手两盒", "purchase", "positive"},
      {"3号链接", "purchase", "neutral"},
      {"抢不到啊啊啊", "purchase", "negative"},
      {"无敌好看", "praise", "positive"},
      {"太爱了💕", "praise", "positive"},
      {"真心不错", "praise", "positive"},
      {"品质可以 包装也好", "praise", "positive"},
      {"吃过 巨好吃", "praise", "positive"},
      {"这个真的好 闭眼入", "praise", "positive"},
      {"东西是好东西 就是物流太慢", "complaint", "negative"},
      {"图片和实物差太多", "complaint", "negative"},
      {"一洗就褪色", "complaint", "negative"},
      {"买了不到一个月就坏了", "complaint", "negative"},
      {"垃圾客服", "complaint", "negative"},
      {"主播能不能别骗人了", "complaint", "negative"},
      {"上当了", "complaint", "negative"},
      {"真“划算”啊 比超市贵一半", "complaint", "negative"},
      {"来了来了", "other", "neutral"},
      {"主播晚安", "other", "positive"},
      {"刷个礼物", "other", "neutral"},
      {"今天星期五", "other", "neutral"},
      {"主播笑起来好好看", "other", "positive"},
      {"困了 明天见", "other", "negative"},
      {"第一次看直播", "other", "neutral"},
      {"质量一般般 不值这个钱", "complaint", "negative"},
      {"穿着扎得慌", "complaint", "negative"},
      {"鞋子磨脚", "complaint", "negative"},
      {"收到少了个盖子", "complaint", "negative"},
      {"盒子都是瘪的", "complaint", "negative"},
      {"用着手疼 设计有问题", "complaint", "negative"},
      {"这个颜色跟直播间看到的完全两个色", "complaint", "negative"},
      {"口红断在管子里了", "complaint", "negative"},
      {"充不进电", "complaint", "negative"},
      {"吃着有股怪味", "complaint", "negative"},
      {"售后电话打不通", "complaint", "negative"},
      {"退货运费还要自己出？", "complaint", "negative"},
      {"都半个多月了还在揽收", "complaint", "negative"},
      {"给差评还打电话骚扰我", "complaint", "negative"},
      {"买回来两天就起毛了", "complaint", "negative"},
      {"主播说的和实际不一样", "complaint", "negative"},
      {"什么破东西", "complaint", "negative"},
      {"别买 真的别买", "complaint", "negative"},
      {"说好的送赠品呢", "complaint", "negative"},
      {"退了 不喜欢", "complaint", "negative"},
      {"价格多少呀宝", "price", "neutral"},
      {"福袋什么时候开", "price", "neutral"},
      {"直播间专属价吗", "price", "neutral"},
      {"这么便宜不会是假的吧", "price", "neutral"},
      {"太划算了吧", "price", "positive"},
      {"有点贵啊", "price", "negative"},
      {"多大码合适 我腰围二尺二", "spec", "neutral"},
      {"有孕妇能穿的吗", "spec", "neutral"},
      {"是真丝吗", "spec", "neutral"},
      {"会不会很闷", "spec", "neutral"},
      {"什么香型", "spec", "neutral"},
      {"这个屏幕多大", "spec", "neutral"},
      {"有发票吗", "other", "neutral"},
      {"明天发货能到上海吗", "shipping", "neutral"},
      {"要等几天", "shipping", "neutral"},
      {"从哪个仓发", "shipping", "neutral"},
      {"拍了能马上发吗", "shipping", "neutral"},
      {"物流太快了 惊喜", "shipping", "positive"},
      {"拍下了 期待", "purchase", "positive"},
      {"手快有手慢无", "purchase", "positive"},
      {"秒拍", "purchase", "positive"},
      {"怎么付款", "purchase", "neutral"},
      {"能分期吗", "purchase", "neutral"},
      {"可以货到付款吗", "purchase", "neutral"},
      {"已下单两件 宝宝们冲", "purchase", "positive"},
      {"颜值超高", "praise", "positive"},
      {"性价比很高 推荐", "praise", "positive"},
      {"面料很舒服 不起球", "praise", "positive"},
      {"太香了 一口气吃完了", "praise", "positive"},
      {"回头客了 一直用这个", "praise", "positive"},
      {"主播辛苦了", "other", "positive"},
      {"这个发型好适合你", "other", "positive"},
      {"主播几点播完", "other", "neutral"},
      {"好多人啊", "other", "neutral"},
      {"终于等到你播了", "other", "positive"},
      {"今天好热", "other", "negative"},
      {"666 主播好会", "praise", "positive"},
      {"听你说话好治愈", "other", "positive"},
      {"刚刷到 来看看", "other", "neutral"},
      {"点点关注不迷路", "other", "neutral"},
      {"这个锅多少钱", "price", "neutral"},
      {"现在下单还有赠品吗", "price", "neutral"},
      {"有没有什么活动", "price", "neutral"},
      {"两盒多少钱", "price", "neutral"},
      {"这么便宜 爱了", "price", "positive"},
      {"价格还能再低点吗", "price", "neutral"},
      {"上回直播才79", "complaint", "negative"},
      {"锅是不粘的吗", "spec", "neutral"},
      {"电磁炉能用吗", "spec", "neutral"},
      {"尺寸多少厘米", "spec", "neutral"},
      {"有没有盖子", "spec", "neutral"},
      {"是什么涂层", "spec", "neutral"},
      {"清洗方便吗", "spec", "neutral"},
      {"重不重", "spec", "neutral"},
      {"一个人用够吗", "spec", "neutral"},
      {"今天拍什么时候到", "shipping", "neutral"},
      {"广东几天到", "shipping", "neutral"},
      {"包装结实吗 怕摔", "shipping", "neutral"},
      {"到了 包装很好没磕碰", "shipping", "positive"},
      {"买了一个月还显示待发货", "complaint", "negative"},
      {"锅底凹进去一块", "complaint", "negative"},
      {"用了一周就开始掉涂层", "complaint", "negative"},
      {"粘锅 根本不是不粘锅", "complaint", "negative"},
      {"手柄松了", "complaint", "negative"},
      {"客服说给补发结果没下文", "complaint", "negative"},
      {"有点失望 跟宣传差距好大", "complaint", "negative"},
      {"已拍一个", "purchase", "positive"},
      {"买了送我妈", "purchase", "positive"},
      {"二号链接是锅吗", "purchase", "neutral"},
      {"扣1扣1", "purchase", "neutral"},
      {"怎么还没上链接", "purchase", "negative"},
      {"终于抢到了", "purchase", "positive"},
      {"下单了 坐等收货", "purchase", "positive"},
      {"库存还多吗", "purchase", "neutral"},
      {"这个锅颜值好高", "praise", "positive"},
      {"家里用的就是这个 很好用", "praise", "positive"},
      {"炒菜真的不粘", "praise", "positive"},
      {"主播介绍得好详细", "praise", "positive"},
      {"质量杠杠滴", "praise", "positive"},
      {"好物推荐", "praise", "positive"},
      {"这锅看着就很高级", "praise", "positive"},
      {"晚上好啊主播", "other", "positive"},
      {"主播今天的妆好看", "other", "positive"},
      {"今天吃什么呢", "other", "neutral"},
      {"刚下班回来", "other", "neutral"},
      {"哈哈哈哈哈", "other", "positive"},
      {"主播口红什么色号", "other", "neutral"},
      {"有没有江苏的老乡", "other", "neutral"},
      {"困死了还在看", "other", "negative"},
      {"来晚了 错过了什么", "other", "neutral"},
      {"报价", "price", "neutral"},
      {"这套多少", "price", "neutral"},
      {"有没有新人券", "price", "neutral"},
      {"拼单更便宜吗", "price", "neutral"},
      {"这价格我直接冲", "purchase", "positive"},
      {"比旗舰店便宜好多", "price", "positive"},
      {"价格有点劝退", "price", "negative"},
      {"前天才买 今天就便宜了五十", "complaint", "negative"},
      {"能给个尺码建议吗 175 140斤", "spec", "neutral"},
      {"这个洗了会变形吗", "spec", "neutral"},
      {"是几个人用的量", "spec", "neutral"},
      {"冬天穿冷不冷", "spec", "neutral"},
      {"能拆洗吗", "spec", "neutral"},
      {"有试用装吗", "spec", "neutral"},
      {"这是第几代", "spec", "neutral"},
      {"怎么保存", "spec", "neutral"},
      {"今天能发出吗", "shipping", "neutral"},
      {"偏远地区加运费吗", "shipping", "neutral"},
      {"快递能放门卫吗", "shipping", "neutral"},
      {"快递好慢啊 催一下", "complaint", "negative"},
      {"物流显示已签收 但我没拿到", "complaint", "negative"},
      {"到的时候外箱破了 里面也碎了", "complaint", "negative"},
      {"扣1", "purchase", "neutral"},
      {"我要两件", "purchase", "positive"},
      {"已拍 主播记得备注", "purchase", "positive"},
      {"在哪拍", "purchase", "neutral"},
      {"刚抢到最后一件", "purchase", "positive"},
      {"下次还会上吗", "purchase", "neutral"},
      {"拍错了能改吗", "purchase", "neutral"},
      {"老粉了 支持", "praise", "positive"},
      {"买过好几次了 质量稳定", "praise", "positive"},
      {"绝了 这个配色", "praise", "positive"},
      {"孩子用了说很好", "praise", "positive"},
      {"洗完一点没缩", "praise", "positive"},
      {"真不戳", "praise", "positive"},
      {"用了一段时间 皮肤变好了", "praise", "positive"},
      {"这次的货明显比上次差", "complaint", "negative"},
      {"鞋底一个月就磨平了", "complaint", "negative"},
      {"拉链坏了 找客服没人回", "complaint", "negative"},
      {"根本没有主播说的那么好", "complaint", "negative"},
      {"和描述严重不符", "complaint", "negative"},
      {"东西一股霉味", "complaint", "negative"},
      {"穿上起静电 难受", "complaint", "negative"},
      {"包装简陋 像三无", "complaint", "negative"},
      {"主播今天状态好好", "other", "positive"},
      {"这是在哪里直播", "other", "neutral"},
      {"背景音乐好听", "other", "positive"},
      {"好饿", "other", "negative"},
      {"有一起看的吗", "other", "neutral"},
      {"主播的猫好可爱", "other", "positive"},
      {"介个神马价各", "price", "neutral"},
      {"有木有优惠卷", "price", "neutral"},
      {"姐妹们这个多钱", "price", "neutral"},
      {"59米包邮吗", "shipping", "neutral"},
      {"能不能再少点", "price", "neutral"},
      {"比超市便宜多了", "price", "positive"},
      {"贵死了 买不起", "price", "negative"},
      {"这价钱可以的", "price", "positive"},
      {"原价多少", "price", "neutral"},
      {"满300减多少", "price", "neutral"},
      {"XXL有吗", "spec", "neutral"},
      {"小个子能穿吗", "spec", "neutral"},
      {"是真皮的吗", "spec", "neutral"},
      {"容量多大啊", "spec", "neutral"},
      {"多少毫升", "spec", "neutral"},
      {"能机洗吗", "spec", "neutral"},
      {"孕妇可以用吗", "spec", "neutral"},
      {"有没有大一点的码", "spec", "neutral"},
      {"颜色太少了", "spec", "negative"},
      {"面料摸着好舒服", "spec", "positive"},
      {"江浙沪包邮吗", "shipping", "neutral"},
      {"几天能到北京", "shipping", "neutral"},
      {"现货还是预售", "shipping", "neutral"},
      {"可以指定快递吗", "shipping", "neutral"},
      {"昨天拍的今天就到了 好快", "shipping", "positive"},
      {"快递三天没动了", "complaint", "negative"},
      {"下单一周了还没收到货", "complaint", "negative"},
      {"发错颜色了", "complaint", "negative"},
      {"已下单", "purchase", "positive"},
      {"拿下拿下", "purchase", "positive"},
      {"买它买它", "purchase", "positive"},
      {"蹲一个链接", "purchase", "neutral"},
      {"小黄车几号", "purchase", "neutral"},
      {"怎么拍两件", "purchase", "neutral"},
      {"已付款 等发货", "purchase", "positive"},
      {"回购第三次了", "purchase", "positive"},
      {"还有库存吗", "purchase", "neutral"},
      {"稀饭稀饭", "praise", "positive"},
      {"质量没得说", "praise", "positive"},
      {"太美了吧", "praise", "positive"},
      {"666666", "praise", "positive"},
      {"👍👍👍", "praise", "positive"},
      {"宝藏好物", "praise", "positive"},
      {"孩子超喜欢", "praise", "positive"},
      {"做工很精细", "praise", "positive"},
      {"收到货了 跟描述不符", "complaint", "negative"},
      {"漏液了 怎么处理", "complaint", "negative"},
      {"退货流程太麻烦了", "complaint", "negative"},
      {"主播骗子", "complaint", "negative"},
      {"开线了😡", "complaint", "negative"},
      {"屏幕有划痕", "complaint", "negative"},
      {"买回来就用不了", "complaint", "negative"},
      {"吃了拉肚子", "complaint", "negative"},
      {"坑人啊 质量太次了", "complaint", "negative"},
      {"真是“良心”主播 一天涨三次", "complaint", "negative"},
      {"刚来", "other", "neutral"},
      {"大家晚上好呀", "other", "positive"},
      {"困死了", "other", "negative"},
      {"主播喝口水吧", "other", "neutral"},
      {"今天加班好烦", "other", "negative"},
      {"北京的举手", "other", "neutral"},
      {"🌹🌹🌹", "other", "positive"},
      {"主播几点下播", "other", "neutral"},
  };
  std::size_t intents = 0, sentiments = 0;
  for (const Case& c : cases) {
    const bool i = intent_of(c.text) == c.intent, s = sentiment_of(c.text) == c.sentiment;
    if (!i || !s) WARN(c.text << ": " << intent_of(c.text) << "/" << sentiment_of(c.text) << ", want " << c.intent << "/" << c.sentiment);
    intents += i, sentiments += s;
  }
  CHECK(intents * 100 >= cases.size() * 95);
  CHECK(sentiments * 100 >= cases.size() * 95);
  // Complaints matter most: every one of them.
  for (const Case& c : cases)
    if (std::string(c.intent) == "complaint") {
      INFO(c.text);
      CHECK(intent_of(c.text) == "complaint");
    }
}

TEST_CASE("rules_decide: the model is skipped only where it cannot change the labels", "[comment_rules]") {
  CHECK(rules_decide(apply_rules(normalize("收到是坏的 要退款"))));
  CHECK(rules_decide(apply_rules(normalize("多少钱"))));
  CHECK_FALSE(rules_decide(apply_rules(normalize("嗯嗯"))));  // no cue: only the weak 'other' default
  // Where the rules decide, no model distribution changes the outcome.
  const RuleResult r = apply_rules(normalize("已拍 冲冲冲"));
  REQUIRE(rules_decide(r));
  const Decision alone = combine(r, std::nullopt);
  for (int i = 0; i < 7; ++i)
    for (int s = 0; s < 3; ++s) {
      const Decision d = combine(r, model_says(i, s));
      CHECK(d.intent == alone.intent);
      CHECK(d.sentiment == alone.sentiment);
    }
}

TEST_CASE("spam: many users copying a question is not spam, an ad campaign is", "[comment_rules]") {
  CHECK(ad_hint(normalize("关注主页领福利")));
  CHECK(ad_hint(normalize("加我 abc12345")));
  CHECK_FALSE(ad_hint(normalize("身高165体重110穿什么码")));
  Pipeline p(nullptr, nullptr, 3);
  std::vector<Comment> batch;
  const char* users[] = {"a", "b", "c", "d"};
  for (int i = 0; i < 4; ++i) {
    Comment q;
    q.line = static_cast<std::size_t>(i + 1), q.t = i, q.user = users[i];
    q.text = q.clean = "身高165体重110穿什么码";  // the same long question, 4 users
    batch.push_back(q);
  }
  for (int i = 0; i < 3; ++i) {
    Comment ad;
    ad.line = static_cast<std::size_t>(i + 5), ad.t = i + 5, ad.user = users[i];
    ad.text = ad.clean = "好用的面膜同款去我主页看看";  // a product word, but an ad hint (主页)
    batch.push_back(ad);
  }
  p.label(batch);
  for (int i = 0; i < 4; ++i) CHECK_FALSE(batch[static_cast<std::size_t>(i)].spam);
  CHECK_FALSE(batch[4].spam);  // 1 and 2 users
  CHECK_FALSE(batch[5].spam);
  CHECK(batch[6].spam);  // the third user
  CHECK(batch[6].spam_reason == "same text from 3 users");
}

TEST_CASE("spam: bare domains and labelled ids are ads, decimals and units are not", "[comment_rules]") {
  // normalize() cuts "www" to "ww": the domain itself must be recognised.
  CHECK(ad_reason(normalize("WWW.youhui-88.cn 点击领券")) == "url");
  CHECK(ad_reason(normalize("神券在 lingquan.top 自取")) == "url");
  CHECK(ad_reason(normalize("打开 m.abc.com/x 有惊喜")) == "url");
  CHECK(ad_reason(normalize("私信领红包 ID：55120")) == "contact");
  CHECK(ad_reason(normalize("福利找我 id 73391")) == "contact");
  CHECK(ad_reason(normalize("私信领取优惠")) == "ad phrase");
  CHECK(ad_reason(normalize("9.9包邮吗")) == "");
  CHECK(ad_reason(normalize("容量1.5l还是2l")) == "");
  CHECK(ad_reason(normalize("到手99.9元")) == "");
  CHECK(ad_reason(normalize("这个型号id是多少")) == "");
}

TEST_CASE("rules: where it is sent, and shipping insurance, are shipping questions", "[comment_rules]") {
  for (const char* c : {"买了能改收货地址吗", "能寄到澳门吗", "送得到乡镇不", "发到村里要几天", "送运费险吗", "有没有运费险呀",
                        "今天能从仓库发吗"}) {
    INFO(c);
    CHECK(intent_of(c) == "shipping");
    CHECK(sentiment_of(c) == "neutral");
  }
}

TEST_CASE("rules and combine: emoji-only chat and likes are never negative", "[comment_rules]") {
  // Emoji or punctuation alone: chat, neutral, and the rules decide against any model.
  for (const char* c : {"🐱🐱", "🐶", "？？", "。。。。"}) {
    INFO(c);
    CHECK(intent_of(c) == "other");
    CHECK(sentiment_of(c) == "neutral");
    const Decision d = combine(apply_rules(normalize(c)), model_says(kComplaint, kNegative, 0.7));
    CHECK(d.intent == kOther);
    CHECK(d.sentiment == kNeutral);
  }
  // A like given to someone is praise; a like reported is chat; neither is negative
  // even when the model leans negative.
  CHECK(intent_of("给小助理点个赞") == "praise");
  CHECK(sentiment_of("给小助理点个赞") == "positive");
  CHECK(intent_of("点赞点赞") == "other");
  for (const char* c : {"给小助理点个赞", "点赞点赞", "已点赞"}) {
    INFO(c);
    const Decision d = combine(apply_rules(normalize(c)), model_says(kOther, kNegative, 0.75));
    CHECK(d.sentiment != kNegative);
  }
}

TEST_CASE("rules: an A-not-A question is no negation, a time of use is no wait", "[comment_rules]") {
  CHECK(intent_of("洗了会不会缩水") == "spec");  // not 不会缩水 (praise)
  CHECK(sentiment_of("洗了会不会缩水") == "neutral");
  CHECK(intent_of("干皮能不能用") == "spec");      // not 不能用 (complaint)
  CHECK(intent_of("有没有起球的问题") == "spec");
  CHECK(intent_of("戴了三个月了 一直很喜欢") == "praise");  // 三个月了 of use
  CHECK(intent_of("等了三个月了") == "complaint");
  CHECK(intent_of("上周还59 现在79") == "complaint");  // cheaper before, said with 还
}

TEST_CASE("rules: an order names its variant, 说好用 is someone's praise, a lagging stream is chat", "[comment_rules]") {
  CHECK(intent_of("已拍 白色m") == "purchase");        // the size is part of the order
  CHECK(intent_of("155穿s还是m") == "spec");           // a size asked about
  CHECK(intent_of("我闺蜜说好吃") == "praise");         // not 说好 (as promised)
  CHECK(intent_of("画面不动了 卡死") == "other");       // not a parcel that stopped moving
  CHECK(intent_of("一包多少抽") == "spec");             // a count per pack, not a price
  CHECK(intent_of("发极兔吗") == "shipping");
  CHECK(intent_of("客服到现在都不回") == "complaint");
}

TEST_CASE("rules: 别 inside a word is no negator, looks asked about are neutral, deals and skin reactions", "[comment_rules]") {
  CHECK(intent_of("老人特别喜欢") == "praise");  // 特别 is not 别 (don't)
  CHECK(sentiment_of("老人特别喜欢") == "positive");
  CHECK(sentiment_of("黑色显不显老") == "neutral");  // asked: no opinion yet
  CHECK(intent_of("买三送一吗") == "price");
  CHECK(intent_of("積分可以抵扣嗎") == "price");
  CHECK(intent_of("涂了两天就长痘") == "complaint");
  CHECK(intent_of("会不会闷痘") == "spec");
  CHECK(intent_of("收到是裂的") == "complaint");
  CHECK(sentiment_of("买了能改收货地址吗") == "neutral");
}

TEST_CASE("rules: speed asked as A-not-A, a problem denied after the noun, a choice asked, sarcasm about an amount", "[comment_rules]") {
  CHECK(intent_of("快递慢不慢") == "shipping");
  CHECK(sentiment_of("快递慢不慢") == "neutral");
  CHECK(intent_of("戴了一年 一点问题没有") == "praise");
  CHECK(intent_of("朋友们都说好") == "praise");       // not 说好 (as promised)
  CHECK(intent_of("长款还是短款") == "spec");         // a choice between variants
  CHECK(intent_of("后天到吗") == "shipping");
  CHECK(intent_of("袜子勾丝了") == "complaint");
  CHECK(intent_of("真是宠粉 一双袜子卖九十") == "complaint");
}

TEST_CASE("rules and spam: easy-to praise, canned replies, sent-elsewhere ads", "[comment_rules]") {
  CHECK(intent_of("这双鞋超好穿") == "praise");
  CHECK(intent_of("客服就会复制粘贴") == "complaint");
  CHECK(intent_of("礼盒很精美") == "praise");
  CHECK(ad_reason(normalize("淘宝搜 小美好物 便宜一半")) == "ad phrase");
  CHECK(ad_reason(normalize("高价回收旧手机")) == "ad phrase");
  CHECK(ad_reason(normalize("淘宝买的也是这个价吗")) == "");
}

TEST_CASE("rules and spam: a let-down denied is praise, a refusal stays a complaint, strong smells and group ads", "[comment_rules]") {
  CHECK(intent_of("买了三次都没踩雷") == "praise");
  CHECK(sentiment_of("一点不后悔") == "positive");
  CHECK(intent_of("商家不退款") == "complaint");   // a refusal, not a let-down denied
  CHECK(intent_of("别踩雷了姐妹们") == "complaint");  // 别: a warning
  CHECK(intent_of("洗衣液味道太冲") == "complaint");
  CHECK(intent_of("脖子上起了红疹") == "complaint");
  CHECK(ad_reason(normalize("进群抢免单 群号 55231")) == "ad phrase");
}

TEST_CASE("report: the bucket width follows the stream's span, round and at most 30 buckets", "[comment_rules]") {
  // 90 seconds: 10 s bars (0, 10, ..., 90), not one full minute and a sliver.
  CHECK(choose_bucket_seconds(0, 90) == 10);
  CHECK(bucket_count(0, 90, 10) == 10);
  CHECK(choose_bucket_seconds(3, 93) == 10);
  // 2 hours: 5 min bars (25 of them); 2 min would give 61.
  CHECK(choose_bucket_seconds(0, 7200) == 300);
  CHECK(bucket_count(0, 7200, 300) == 25);
  CHECK(bucket_count(0, 7200, 120) == 61);
  // The boundary: 30 buckets fit, 31 do not (aligned to multiples of the width).
  CHECK(choose_bucket_seconds(0, 299) == 10);
  CHECK(choose_bucket_seconds(0, 300) == 15);
  CHECK(choose_bucket_seconds(5, 304) == 15);  // 0..300 in 10 s steps is 31 buckets
  CHECK(choose_bucket_seconds(0, 1799) == 60);
  CHECK(choose_bucket_seconds(0, 3 * 3600) == 600);
  // One comment, or none apart: the narrowest width, never below 10 s.
  CHECK(choose_bucket_seconds(42, 42) == 10);
  CHECK(choose_bucket_seconds(-95, -5) == 10);
  // Beyond a day the width doubles; any finite span gets at most 30 buckets.
  CHECK(choose_bucket_seconds(0, 40 * 86400.0) == 2 * 86400);
  for (const auto& [lo, hi] : {std::pair{0.0, 1e300}, std::pair{-1e300, 1e300}, std::pair{1e300, 1e300}, std::pair{1e15, 1e15 + 7200}}) {
    const double w = choose_bucket_seconds(lo, hi);
    CHECK(std::isfinite(w));
    CHECK(bucket_count(lo, hi, w) <= static_cast<double>(kMaxBuckets));
    CHECK(bucket_count(lo, hi, w) >= 1);
  }
}

TEST_CASE("report: comments are cut at whole characters, emoji sequences kept together", "[comment_rules]") {
  const std::string heart = "\u2764\uFE0F";                                          // ❤ + emoji selector
  const std::string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";           // 👨‍👩‍👧
  const std::string thumbs = "\U0001F44D\U0001F3FD";                                  // 👍 + skin tone
  const std::string text = "好" + heart + family + thumbs + "é" + "x";  // é precomposed
  CHECK(app::utf8::character_count(text) == 6);
  CHECK(app::utf8::truncate_characters(text, 1) == "好");
  CHECK(app::utf8::truncate_characters(text, 2) == "好" + heart);
  CHECK(app::utf8::truncate_characters(text, 3) == "好" + heart + family);
  CHECK(app::utf8::truncate_characters(text, 4) == "好" + heart + family + thumbs);
  CHECK(app::utf8::truncate_characters(text, 6) == text);
  CHECK(app::utf8::truncate_characters(text, 99) == text);
  CHECK(app::utf8::truncate_characters(text, 0).empty());
  // A code-point cut would split these; this never does, and stays valid UTF-8.
  CHECK(app::utf8::truncate(text, 2) == "好\u2764");
  for (std::size_t n = 0; n <= 7; ++n) CHECK(app::utf8::valid(app::utf8::truncate_characters(text, n)));
  // A combining accent stays with its letter.
  CHECK(app::utf8::truncate_characters("e\u0301a", 1) == "e\u0301");
}
