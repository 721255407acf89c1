#include "comment_analysis/lexicon.hpp"

namespace comments {

namespace {

constexpr int P = kPositive, U = kNeutral, N = kNegative, X = kNoSentiment;
constexpr std::uint8_t E = kEvaluative, D = kDefect, G = kGrievance, R = kRise;

}  // namespace

const std::vector<Cue>& cues() {
  // Weights: 2 = decides on its own, 1 = a clear cue, 0.5 = a hint that
  // needs company. Longer cues win over the shorter ones inside them
  // (不错 over 错, 没发货 over 发货), so negated forms that mean something
  // else are listed whole.
  static const std::vector<Cue> list = {
      // ---- price ------------------------------------------------------------------
      {"多少钱", kPrice, 2, U, 0.3, 0}, {"多钱", kPrice, 2, U, 0.3, 0}, {"几块", kPrice, 1.5, U, 0.3, 0},
      {"几元", kPrice, 1.5, U, 0.3, 0}, {"多少米", kPrice, 1.5, U, 0.3, 0}, {"几米", kPrice, 1, X, 0, 0},
      {"什么价", kPrice, 2, U, 0.3, 0}, {"啥价", kPrice, 2, U, 0.3, 0}, {"价格", kPrice, 1.5, X, 0, 0},
      {"价各", kPrice, 1.5, X, 0, 0}, {"价钱", kPrice, 1.5, X, 0, 0}, {"价位", kPrice, 1.5, X, 0, 0},
      {"到手价", kPrice, 2, X, 0, 0}, {"原价", kPrice, 1.5, X, 0, 0}, {"报价", kPrice, 1.5, X, 0, 0},
      {"报个价", kPrice, 2, X, 0, 0}, {"优惠", kPrice, 1.5, X, 0, 0}, {"券", kPrice, 1.5, X, 0, 0},
      {"满减", kPrice, 2, X, 0, 0}, {"打折", kPrice, 1.5, X, 0, 0}, {"折扣", kPrice, 1.5, X, 0, 0},
      {"便宜点", kPrice, 2, U, 1, 0}, {"少点", kPrice, 1, X, 0, 0}, {"便宜", kPrice, 1.5, P, 0.8, E},
      {"便宜宜", kPrice, 1.5, P, 0.8, E}, {"划算", kPrice, 1.5, P, 1, E}, {"性价比", kPrice, 1.5, X, 0, 0},
      {"白菜价", kPrice, 2, P, 1.5, 0}, {"良心价", kPrice, 2, P, 1.5, E}, {"价格真良心", kPrice, 2, P, 1.5, E},
      {"太香了", kPrice, 0.5, P, 1.5, E}, {"真香", kPrice, 0.5, P, 1.5, E}, {"值", kPrice, 0.5, P, 0.8, E},
      {"超值", kPrice, 1.5, P, 1.5, E}, {"太值了", kPrice, 1.5, P, 1.5, E}, {"闭眼入", kPurchase, 1, P, 1.5, 0},
      {"贵", kPrice, 1.5, N, 1, E}, {"太贵", kPrice, 2, N, 1.5, E}, {"好贵", kPrice, 2, N, 1.5, E},
      {"不贵", kPrice, 1.5, P, 1, 0}, {"买不起", kPrice, 2, N, 1.5, 0}, {"劝退", kPrice, 1, N, 1.5, 0},
      {"价格刺客", kPrice, 2, N, 2, 0}, {"虚高", kPrice, 2, N, 1.5, 0}, {"不值", kComplaint, 1.5, N, 1.5, R}, {"质量一般", kComplaint, 1.5, N, 1.5, G},
      {"不值这个价", kComplaint, 1.5, N, 2, 0}, {"秒杀", kPrice, 1, X, 0, 0}, {"福利价", kPrice, 1.5, X, 0, 0},
      {"降价", kPrice, 1.5, X, 0, 0}, {"元", kPrice, 0.5, X, 0, 0}, {"块钱", kPrice, 1, X, 0, 0},
      {"赠品", kPrice, 2, X, 0, 0}, {"活动", kPrice, 1.5, X, 0, 0}, {"送什么", kPrice, 1, X, 0, 0}, {"有送", kPrice, 1, X, 0, 0},
      {"几折", kPrice, 1.5, X, 0, 0}, {"福利", kPrice, 1, X, 0, 0}, {"这个价", kPrice, 1.5, X, 0, 0},
      {"最低价", kPrice, 2, X, 0, 0}, {"小样", kPrice, 1.5, X, 0, 0}, {"送点", kPrice, 1, X, 0, 0}, {"买一送一", kPrice, 2, X, 0, 0}, {"米多少", kPrice, 2, X, 0, 0}, {"专属价", kPrice, 2, X, 0, 0},
      // How much, asked in other words; a coming price drop; paying with a coupon-like credit.
      {"怎么卖", kPrice, 2, X, 0, 0}, {"咋卖", kPrice, 2, X, 0, 0}, {"红包", kPrice, 1.5, X, 0, 0},
      {"会降", kPrice, 1.5, X, 0, 0}, {"还降", kPrice, 1.5, X, 0, 0}, {"再降", kPrice, 1.5, X, 0, 0}, {"能降", kPrice, 1.5, X, 0, 0},
      // Good value stated: praise of the product (a question about it stays price).
      {"性价比高", kPraise, 2, P, 1.5, E}, {"性价比很高", kPraise, 2, P, 1.5, E}, {"性价比超高", kPraise, 2, P, 1.5, E},
      {"性价比太高", kPraise, 2, P, 1.5, E}, {"性价比好高", kPraise, 2, P, 1.5, E}, {"性价比真高", kPraise, 2, P, 1.5, E},
      {"性价比低", kComplaint, 1.5, N, 1.5, G}, {"性价比太低", kComplaint, 1.5, N, 1.5, G},
      {"价", kPrice, 0.7, X, 0, 0}, {"💰", kPrice, 1.5, X, 0, 0},
      {"多少", kPrice, 0.7, X, 0, 0}, {"这价", kPrice, 1.5, X, 0, 0}, {"抢钱", kComplaint, 2, N, 2, R | G},
      {"还行", kNoIntent, 0, P, 0.8, E}, {"离谱", kNoIntent, 0, N, 1.5, 0}, {"减多少", kPrice, 2, X, 0, 0}, {"包邮价", kPrice, 1.5, X, 0, 0},
      // Price rises and "cutting leeks": grievances (the issue counts them as complaints).
      {"涨价", kComplaint, 1.5, N, 1.5, R | G}, {"涨了", kComplaint, 1, N, 1, R}, {"又贵了", kComplaint, 1.5, N, 1.5, R | G},
      {"比别家贵", kComplaint, 1.5, N, 1.5, R | G}, {"比外面贵", kComplaint, 1.5, N, 1.5, R | G},
      {"比旗舰店还贵", kComplaint, 1.5, N, 1.5, R | G}, {"别家便宜", kComplaint, 1.5, N, 1.5, R | G},
      {"割韭菜", kComplaint, 2, N, 2, R | G}, {"智商税", kComplaint, 2, N, 2, R | G}, {"坑钱", kComplaint, 2, N, 2, R | G},
      {"先涨后降", kComplaint, 2, N, 2, R | G}, {"价格不一样", kComplaint, 1.5, N, 1.5, R | G},
      {"上次买才", kComplaint, 1.5, N, 1.5, R}, {"刚买就降", kComplaint, 2, N, 2, R | G}, {"就降价", kComplaint, 2, N, 2, R | G}, {"才买", kComplaint, 1.5, N, 1, R},
      {"就便宜了", kComplaint, 2, N, 1.5, R | G}, {"说是", kComplaint, 1, N, 0.5, G}, {"结果", kComplaint, 0.7, N, 0.5, G},
      {"跟平时一样", kComplaint, 1.5, N, 1, G},
      {"比店铺还", kComplaint, 2, N, 1.5, R | G}, {"价格比", kComplaint, 1, N, 1, R},
      // ---- spec -------------------------------------------------------------------
      {"尺码", kSpec, 1.5, X, 0, 0}, {"码数", kSpec, 1.5, X, 0, 0}, {"什么码", kSpec, 2, X, 0, 0},
      {"啥码", kSpec, 2, X, 0, 0}, {"几码", kSpec, 2, X, 0, 0}, {"大码", kSpec, 1.5, X, 0, 0},
      {"小码", kSpec, 1.5, X, 0, 0}, {"均码", kSpec, 1.5, X, 0, 0}, {"码", kSpec, 0.7, X, 0, 0},
      {"断码", kSpec, 1.5, N, 0.5, 0}, {"偏大", kSpec, 1.5, X, 0, 0}, {"偏小", kSpec, 1.5, X, 0, 0},
      {"尺寸", kSpec, 1.5, X, 0, 0}, {"多大", kSpec, 1.5, X, 0, 0}, {"大小", kSpec, 1, X, 0, 0},
      {"身高", kSpec, 1.5, X, 0, 0}, {"体重", kSpec, 1.5, X, 0, 0}, {"斤", kSpec, 1.5, X, 0, 0},
      {"穿多大", kSpec, 2, X, 0, 0}, {"能穿", kSpec, 1.5, X, 0, 0}, {"xl", kSpec, 1.5, X, 0, 0},
      {"xs", kSpec, 1, X, 0, 0}, {"s码", kSpec, 1.5, X, 0, 0}, {"m码", kSpec, 1.5, X, 0, 0}, {"l码", kSpec, 1.5, X, 0, 0},
      {"颜色", kSpec, 1.5, X, 0, 0}, {"颜色好正", kPraise, 1.5, P, 1.5, 0}, {"几个色", kSpec, 2, X, 0, 0},
      {"什么色", kSpec, 2, X, 0, 0}, {"色号", kSpec, 1.5, X, 0, 0}, {"黑色", kSpec, 1, X, 0, 0}, {"白色", kSpec, 1, X, 0, 0},
      {"色", kSpec, 0.5, X, 0, 0}, {"材质", kSpec, 1.5, X, 0, 0}, {"面料", kSpec, 1.5, X, 0, 0},
      {"材料", kSpec, 1.5, X, 0, 0}, {"布料", kSpec, 1.5, X, 0, 0}, {"成分", kSpec, 1.5, X, 0, 0},
      {"纯棉", kSpec, 1.5, X, 0, 0}, {"真皮", kSpec, 1.5, X, 0, 0}, {"什么料", kSpec, 2, X, 0, 0},
      {"容量", kSpec, 1.5, X, 0, 0}, {"毫升", kSpec, 1.5, X, 0, 0}, {"ml", kSpec, 1.5, X, 0, 0},
      {"净含量", kSpec, 1.5, X, 0, 0}, {"多重", kSpec, 1.5, X, 0, 0}, {"重量", kSpec, 1.5, X, 0, 0},
      {"克", kSpec, 0.7, X, 0, 0}, {"规格", kSpec, 1.5, X, 0, 0}, {"型号", kSpec, 1.5, X, 0, 0},
      {"款式", kSpec, 1, X, 0, 0}, {"多长", kSpec, 1.5, X, 0, 0}, {"多宽", kSpec, 1.5, X, 0, 0},
      {"厚不厚", kSpec, 2, X, 0, 0}, {"薄不薄", kSpec, 2, X, 0, 0}, {"透气", kSpec, 1, X, 0, 0},
      {"能机洗", kSpec, 2, X, 0, 0}, {"机洗", kSpec, 1.5, X, 0, 0}, {"手洗", kSpec, 1.5, X, 0, 0},
      {"保质期", kSpec, 2, X, 0, 0}, {"配料", kSpec, 1.5, X, 0, 0}, {"敏感肌", kSpec, 1.5, X, 0, 0},
      {"油皮", kSpec, 1.5, X, 0, 0}, {"干皮", kSpec, 1.5, X, 0, 0}, {"适合", kSpec, 1, X, 0, 0},
      {"孕妇", kSpec, 1.5, X, 0, 0}, {"几岁", kSpec, 1, X, 0, 0}, {"续航", kSpec, 1.5, X, 0, 0},
      {"电池", kSpec, 1.5, X, 0, 0}, {"防水", kSpec, 1.5, X, 0, 0}, {"功率", kSpec, 1.5, X, 0, 0},
      {"味道", kSpec, 1, X, 0, 0}, {"香味", kSpec, 1.5, X, 0, 0}, {"口味", kSpec, 1.5, X, 0, 0},
      {"版型", kSpec, 1.5, X, 0, 0}, {"宽松", kSpec, 1, X, 0, 0}, {"修身", kSpec, 1, X, 0, 0},
      {"加绒", kSpec, 1.5, X, 0, 0}, {"产地", kSpec, 1.5, X, 0, 0}, {"牌子", kSpec, 1.5, X, 0, 0}, {"品牌", kSpec, 1.5, X, 0, 0},
      {"可以穿", kSpec, 1.5, X, 0, 0}, {"男生", kSpec, 1, X, 0, 0}, {"女生", kSpec, 1, X, 0, 0}, {"能放", kSpec, 1, X, 0, 0},
      {"不准", kComplaint, 1.5, N, 1.5, D},
      {"无糖", kSpec, 1.5, X, 0, 0}, {"几片", kSpec, 1.5, X, 0, 0}, {"一盒", kSpec, 1, X, 0, 0}, {"背面", kSpec, 1.5, X, 0, 0},
      {"细节", kSpec, 1.5, X, 0, 0}, {"近景", kSpec, 1.5, X, 0, 0}, {"看下", kSpec, 1, X, 0, 0}, {"看一下", kSpec, 1, X, 0, 0},
      {"试一下", kSpec, 1, X, 0, 0}, {"试穿", kSpec, 1.5, X, 0, 0}, {"上身", kSpec, 1, X, 0, 0},
      {"国产", kSpec, 1.5, X, 0, 0}, {"进口", kSpec, 1.5, X, 0, 0}, {"裤长", kSpec, 1.5, X, 0, 0}, {"衣长", kSpec, 1.5, X, 0, 0},
      {"袖长", kSpec, 1.5, X, 0, 0}, {"长多少", kSpec, 1.5, X, 0, 0}, {"加厚", kSpec, 1.5, X, 0, 0}, {"区别", kSpec, 1.5, X, 0, 0}, {"能用多久", kSpec, 2, X, 0, 0}, {"能用几天", kSpec, 2, X, 0, 0}, {"充一次", kSpec, 1.5, X, 0, 0},
      {"填充", kSpec, 1.5, X, 0, 0}, {"充电", kSpec, 1.5, X, 0, 0}, {"显黑", kSpec, 1.5, N, 1.5, D},
      {"显胖", kSpec, 1.5, N, 1.5, D}, {"显老", kSpec, 1.5, N, 1.5, D}, {"哪里产", kSpec, 1.5, X, 0, 0},
      {"是正品", kSpec, 1.5, X, 0, 0}, {"正品吗", kSpec, 2, U, 0.5, 0}, {"尺码表", kSpec, 2, X, 0, 0},
      {"mah", kSpec, 1.5, X, 0, 0}, {"cm", kSpec, 1, X, 0, 0}, {"码全", kSpec, 1.5, P, 1, 0},
      {"颜色太少", kSpec, 2, N, 1.5, 0}, {"码不全", kSpec, 2, N, 1.5, 0}, {"没有我的码", kSpec, 2, N, 1.5, 0},
      {"容量这么小", kSpec, 2, N, 1.5, 0}, {"刚好", kSpec, 0.7, P, 0.8, 0}, {"标准", kSpec, 0.7, X, 0, 0},
      // ---- shipping ---------------------------------------------------------------
      {"发货", kShipping, 2, X, 0, 0}, {"快递", kShipping, 2, X, 0, 0}, {"物流", kShipping, 2, X, 0, 0},
      {"包邮", kShipping, 2, X, 0, 0}, {"顺丰", kShipping, 2, X, 0, 0}, {"京东快递", kShipping, 2, X, 0, 0},
      {"中通", kShipping, 1.5, X, 0, 0}, {"圆通", kShipping, 1.5, X, 0, 0}, {"韵达", kShipping, 1.5, X, 0, 0},
      {"邮费", kShipping, 2, X, 0, 0}, {"运费", kShipping, 2, X, 0, 0}, {"几天到", kShipping, 2, X, 0, 0},
      {"多久到", kShipping, 2, X, 0, 0}, {"能到", kShipping, 1.5, X, 0, 0}, {"时候发", kShipping, 2, X, 0, 0}, {"送货", kShipping, 1.5, X, 0, 0},
      {"上门", kShipping, 1, X, 0, 0}, {"发吗", kShipping, 1.5, X, 0, 0}, {"等几天", kShipping, 2, X, 0, 0}, {"时候到", kShipping, 2, X, 0, 0}, {"到吗", kShipping, 1, X, 0, 0},
      {"包装", kShipping, 1.5, X, 0, 0}, {"包装很好", kShipping, 2, P, 1.5, E}, {"包装好", kShipping, 2, P, 1.5, E},
      {"怕摔", kShipping, 1.5, U, 0.5, 0}, {"待发货", kShipping, 1.5, X, 0, 0}, {"还显示", kComplaint, 1.5, N, 1.5, G},
      {"磕碰", kComplaint, 1.5, N, 1.5, D}, {"凹进去", kComplaint, 2, N, 1.5, D}, {"几天", kShipping, 0.8, X, 0, 0},
      {"哪个仓", kShipping, 1.5, X, 0, 0}, {"仓发", kShipping, 1.5, X, 0, 0}, {"马上发", kShipping, 2, X, 0, 0}, {"揽收", kShipping, 1.5, X, 0, 0}, {"港澳", kShipping, 1, X, 0, 0},
      {"转了一圈", kComplaint, 2, N, 1.5, G}, {"扔门口", kComplaint, 2, N, 1.5, G}, {"乱扔", kComplaint, 2, N, 1.5, G},
      {"就到了", kShipping, 2, P, 1, 0}, {"好快", kNoIntent, 0, P, 1, E}, {"几天能到", kShipping, 2, X, 0, 0}, {"到货", kShipping, 1.5, X, 0, 0},
      {"偏远", kShipping, 1.5, X, 0, 0}, {"新疆", kShipping, 1, X, 0, 0}, {"西藏", kShipping, 1, X, 0, 0},
      {"能发", kShipping, 1, X, 0, 0}, {"发哪", kShipping, 1.5, X, 0, 0}, {"哪里发", kShipping, 1.5, X, 0, 0},
      {"预售", kShipping, 1.5, X, 0, 0}, {"现货", kShipping, 1.5, X, 0, 0}, {"配送", kShipping, 1.5, X, 0, 0},
      {"派送", kShipping, 1.5, X, 0, 0}, {"单号", kShipping, 1.5, X, 0, 0}, {"收到了", kShipping, 0.5, X, 0, 0},
      {"发货快", kShipping, 2, P, 1.5, E}, {"发货真快", kShipping, 2, P, 1.5, E}, {"物流超快", kShipping, 2, P, 1.5, E},
      {"物流快", kShipping, 2, P, 1.5, E}, {"第二天就到", kShipping, 2, P, 1.5, 0}, {"第二天就收到", kShipping, 2, P, 1.5, 0},
      {"包装很严实", kShipping, 2, P, 1.5, 0}, {"包装严实", kShipping, 2, P, 1.5, 0}, {"顺丰好评", kShipping, 2, P, 1.5, 0},
      {"给力", kNoIntent, 0, P, 1, E}, {"可以的", kNoIntent, 0, P, 1, 0}, {"等发货", kPurchase, 1.5, P, 0.5, 0},
      // Delivery problems are grievances: complaint first.
      {"没发货", kComplaint, 2, N, 1.5, G}, {"不发货", kComplaint, 2, N, 1.5, G}, {"还没发", kComplaint, 2, N, 1.5, G},
      {"没收到", kComplaint, 2, N, 1.5, G}, {"还没到", kComplaint, 2, N, 1.5, G}, {"还不发", kComplaint, 2, N, 1.5, G},
      {"一直不动", kComplaint, 2, N, 1.5, G}, {"没动", kComplaint, 1.5, N, 1.5, G}, {"不动了", kComplaint, 1.5, N, 1.5, G}, {"不更新", kComplaint, 1.5, N, 1.5, G}, {"发货太慢", kComplaint, 2, N, 1.5, G},
      {"发货慢", kComplaint, 2, N, 1.5, G}, {"物流慢", kComplaint, 2, N, 1.5, G}, {"物流好慢", kComplaint, 2, N, 1.5, G},
      {"太慢", kComplaint, 1.5, N, 1.5, G}, {"好慢", kComplaint, 1.5, N, 1.5, G}, {"慢死", kComplaint, 2, N, 2, G},
      {"等了", kComplaint, 1, N, 1, G}, {"一周了", kComplaint, 1.5, N, 1, G}, {"几天了", kComplaint, 1.5, N, 1, G},
      {"压坏", kComplaint, 2, N, 1.5, G}, {"说好", kComplaint, 1, N, 1, G}, {"说好的", kComplaint, 2, N, 1.5, G}, {"不送上门", kComplaint, 2, N, 1.5, G},
      {"催发货", kComplaint, 1.5, N, 1, G}, {"发错", kComplaint, 2, N, 1.5, G}, {"错发", kComplaint, 2, N, 1.5, G},
      {"少发", kComplaint, 2, N, 1.5, G}, {"漏发", kComplaint, 2, N, 1.5, G}, {"丢件", kComplaint, 2, N, 1.5, G},
      {"没信息", kComplaint, 2, N, 1.5, G}, {"没消息", kComplaint, 2, N, 1.5, G}, {"没到账", kComplaint, 2, N, 1.5, G},
      {"还没", kComplaint, 1, N, 1, G}, {"每次都", kComplaint, 1, N, 1, G},
      // ---- purchase ---------------------------------------------------------------
      {"已拍", kPurchase, 2, P, 1, 0}, {"以拍", kPurchase, 2, P, 1, 0}, {"拍了", kPurchase, 2, P, 1, 0},
      {"已买", kPurchase, 2, P, 1, 0}, {"买了", kPurchase, 1.5, P, 0.8, 0}, {"下单", kPurchase, 1.5, X, 0, 0},
      {"已下单", kPurchase, 2, P, 1, 0}, {"刚下单", kPurchase, 2, P, 1, 0}, {"没钱", kPurchase, 0.5, N, 1, 0}, {"付款", kPurchase, 1.5, X, 0, 0}, {"已付", kPurchase, 2, P, 1, 0},
      {"付完款", kPurchase, 2, P, 1, 0}, {"冲", kPurchase, 1, P, 0.8, 0}, {"冲冲", kPurchase, 2, P, 1, 0},
      {"上车", kPurchase, 1.5, P, 0.5, 0}, {"链接", kPurchase, 1.5, X, 0, 0}, {"连接", kPurchase, 1.5, X, 0, 0},
      {"小黄车", kPurchase, 1.5, X, 0, 0}, {"几号", kPurchase, 1, X, 0, 0}, {"想要", kPurchase, 1.5, P, 0.5, 0},
      {"想买", kPurchase, 1.5, P, 0.3, 0}, {"要一个", kPurchase, 1.5, X, 0, 0}, {"要了", kPurchase, 1.5, P, 0.5, 0},
      {"抢到", kPurchase, 2, P, 1, 0}, {"没抢到", kPurchase, 2, N, 1, 0}, {"抢不到", kPurchase, 2, N, 1, 0},
      {"蹲", kPurchase, 1.5, X, 0, 0}, {"蹲到", kPurchase, 2, P, 1, 0}, {"扣1", kPurchase, 2, X, 0, 0},
      {"扣 1", kPurchase, 2, X, 0, 0}, {"求链接", kPurchase, 2, X, 0, 0}, {"上链接", kPurchase, 2, X, 0, 0},
      {"来一单", kPurchase, 2, P, 0.5, 0}, {"囤", kPurchase, 1.5, P, 0.5, 0}, {"回购", kPurchase, 1.5, P, 1, 0},
      {"入了", kPurchase, 1.5, P, 0.8, 0}, {"入手", kPurchase, 1.5, P, 0.8, 0}, {"拿下", kPurchase, 2, P, 1, 0},
      {"拍下", kPurchase, 2, P, 0.8, 0}, {"加购", kPurchase, 1.5, X, 0, 0}, {"购物车", kPurchase, 1.5, X, 0, 0},
      {"怎么拍", kPurchase, 2, X, 0, 0}, {"怎么买", kPurchase, 2, X, 0, 0}, {"在哪买", kPurchase, 2, X, 0, 0},
      {"哪里买", kPurchase, 2, X, 0, 0}, {"还能拍", kPurchase, 2, X, 0, 0}, {"库存", kPurchase, 1, X, 0, 0},
      {"补货", kPurchase, 1, X, 0, 0}, {"还有吗", kPurchase, 1, X, 0, 0}, {"有货", kPurchase, 1, X, 0, 0},
      {"买它", kPurchase, 2, P, 1, 0}, {"我也要", kPurchase, 2, P, 1, 0}, {"没货", kPurchase, 1.5, N, 0.5, 0},
      {"断货", kPurchase, 1.5, N, 0.5, 0}, {"返场", kPurchase, 1.5, X, 0, 0}, {"上架", kPurchase, 1.5, X, 0, 0}, {"手慢无", kPurchase, 2, P, 1, 0}, {"等收货", kPurchase, 1.5, P, 1, 0}, {"直接冲", kPurchase, 2.5, P, 1.5, 0}, {"我要", kPurchase, 2, P, 1, 0},
      {"哪拍", kPurchase, 2, X, 0, 0}, {"拍错", kPurchase, 1.5, X, 0, 0}, {"还会上", kPurchase, 1.5, X, 0, 0}, {"分期", kPurchase, 1.5, X, 0, 0},
      {"货到付款", kPurchase, 2, X, 0, 0}, {"秒拍", kPurchase, 2, P, 1, 0}, {"秒空", kPurchase, 1.5, X, 0, 0},
      {"犹豫", kPurchase, 1.5, U, 0.8, 0}, {"想入", kPurchase, 1.5, X, 0, 0}, {"必须下单", kPurchase, 2, P, 1, 0}, {"安排", kPurchase, 1, P, 0.5, 0},
      {"买买买", kPurchase, 2, P, 1, 0}, {"买买", kPurchase, 2, P, 1, 0}, {"给我妈", kPurchase, 1, P, 0.3, 0},
      {"拍两", kPurchase, 1.5, X, 0, 0}, {"拍一", kPurchase, 1.5, X, 0, 0},
      // ---- praise -----------------------------------------------------------------
      {"好看", kPraise, 1.5, P, 1.5, E}, {"漂亮", kPraise, 1.5, P, 1.5, E}, {"好用", kPraise, 1.5, P, 1.5, E},
      {"好吃", kPraise, 1.5, P, 1.5, E}, {"好喝", kPraise, 1.5, P, 1.5, E}, {"喜欢", kPraise, 2, P, 1.5, E},
      {"稀饭", kPraise, 1.5, P, 1.5, E}, {"爱了", kPraise, 1.5, P, 2, E}, {"绝了", kPraise, 1.5, P, 2, E},
      {"绝绝子", kPraise, 2, P, 2, E}, {"yyds", kPraise, 2, P, 2, E}, {"太美", kPraise, 1.5, P, 1.5, E},
      {"好美", kPraise, 1.5, P, 1.5, E}, {"绝美", kPraise, 1.5, P, 1.5, E}, {"质量好", kPraise, 2, P, 1.5, E},
      {"质量真好", kPraise, 2, P, 1.5, E}, {"质量不错", kPraise, 2, P, 1.5, E}, {"不错", kPraise, 1.5, P, 1.5, E},
      {"很棒", kPraise, 1.5, P, 1.5, E}, {"好棒", kPraise, 1.5, P, 1.5, E}, {"赞", kPraise, 1, P, 1.5, E},
      {"666", kPraise, 1, P, 1, 0}, {"66", kPraise, 0.5, P, 0.5, 0}, {"牛", kPraise, 1, P, 1, E},
      {"推荐", kPraise, 1, P, 1, E}, {"宝藏", kPraise, 1.5, P, 1.5, E}, {"好评", kPraise, 1.5, P, 1.5, E},
      {"舒服", kPraise, 1.5, P, 1.5, E}, {"舒适", kPraise, 1.5, P, 1.5, E},
      {"好软", kPraise, 1.5, P, 1.5, E}, {"满意", kPraise, 1.5, P, 1.5, E}, {"种草", kPraise, 1.5, P, 1.5, E},
      {"美哭", kPraise, 2, P, 2, E}, {"nice", kPraise, 1.5, P, 1.5, E}, {"好香", kPraise, 1.5, P, 1.5, E},
      {"效果好", kPraise, 2, P, 1.5, E}, {"效果太好", kPraise, 2, P, 1.5, E}, {"做工", kPraise, 0.5, X, 0, 0},
      {"显白", kPraise, 1, P, 1.5, E}, {"显瘦", kPraise, 1.5, P, 1.5, E}, {"精细", kPraise, 1.5, P, 1.5, E}, {"良心", kPraise, 1.5, P, 1.5, E}, {"颜值", kPraise, 1, P, 0.5, 0}, {"上身效果", kPraise, 1, X, 0, 0},
      {"没得说", kPraise, 1.5, P, 1.5, 0}, {"讲得好", kPraise, 1.5, P, 1.5, E}, {"好会", kPraise, 1, P, 1, 0},
      {"靠谱", kPraise, 1.5, P, 1.5, E}, {"值得", kPraise, 1.5, P, 1.5, E}, {"真的好", kPraise, 1.5, P, 1.5, E}, {"真的香", kPraise, 1.5, P, 1.5, E},
      {"很好", kPraise, 1.5, P, 1.5, E}, {"太好了", kPraise, 1.5, P, 1.5, E},
      {"真不错", kPraise, 2, P, 1.5, E}, {"真好", kPraise, 1.5, P, 1.5, E}, {"神仙", kPraise, 1.5, P, 1.5, 0},
      {"惊艳", kPraise, 1.5, P, 1.5, E}, {"专业", kPraise, 1.5, P, 1.5, E}, {"物美价廉", kPraise, 2, P, 2, 0}, {"杠杠的", kPraise, 2, P, 2, 0}, {"品质可以", kPraise, 2, P, 1.5, 0}, {"一直用", kPraise, 1.5, P, 1.5, 0}, {"详细", kPraise, 1.5, P, 1.5, E}, {"老粉", kPraise, 1.5, P, 1.5, 0}, {"支持", kPraise, 1, P, 1, 0},
      {"质量稳定", kPraise, 2, P, 1.5, 0}, {"稳定", kNoIntent, 0, P, 1, E}, {"不戳", kPraise, 2, P, 2, 0}, {"介绍得", kPraise, 1, P, 0.5, 0}, {"回头客", kPraise, 1.5, P, 1.5, 0},
      {"一口气", kPraise, 1, P, 1, 0}, {"惊喜", kNoIntent, 0, P, 1, E}, {"品质好", kPraise, 2, P, 1.5, E}, {"质感", kPraise, 1.5, P, 1.5, E},
      {"真的绝", kPraise, 2, P, 2, 0}, {"闭眼买", kPurchase, 1, P, 1.5, 0}, {"高级", kPraise, 1, P, 1, E}, {"wow", kPraise, 0.5, P, 1, 0},
      // ---- complaint (defects and grievances) -------------------------------------
      // Asking about the returns policy is no complaint (能退货吗, 支持七天无理由吗).
      {"能退", kOther, 2, U, 0.8, 0}, {"可以退", kOther, 2, U, 0.8, 0}, {"支持退", kOther, 2, U, 0.8, 0},
      {"包退", kOther, 1.5, U, 0.8, 0}, {"无理由", kOther, 1.5, U, 0.8, 0}, {"运费险", kShipping, 2, U, 0.8, 0},
      {"退货", kComplaint, 1.5, N, 1, G}, {"退款", kComplaint, 2, N, 1.5, G}, {"退钱", kComplaint, 2, N, 2, G},
      {"差评", kComplaint, 2, N, 2, G}, {"投诉", kComplaint, 2, N, 2, G}, {"举报", kComplaint, 2, N, 2, G},
      {"12315", kComplaint, 2, N, 2, G}, {"维权", kComplaint, 2, N, 2, G}, {"曝光", kComplaint, 1.5, N, 1.5, G},
      {"假货", kComplaint, 2, N, 2, G}, {"假的", kComplaint, 1.5, N, 1.5, G}, {"骗", kComplaint, 2, N, 2, G},
      {"坑", kComplaint, 1.5, N, 1.5, G}, {"坑人", kComplaint, 2, N, 2, G}, {"上当", kComplaint, 2, N, 2, G},
      {"踩雷", kComplaint, 2, N, 2, G}, {"翻车", kComplaint, 2, N, 2, G}, {"黑心", kComplaint, 2, N, 2, G},
      {"套路", kComplaint, 1.5, N, 1.5, G}, {"虚假宣传", kComplaint, 2, N, 2, G}, {"货不对板", kComplaint, 2, N, 2, G},
      {"不一样", kComplaint, 1.5, N, 1.5, G}, {"不符", kComplaint, 1.5, N, 1.5, G}, {"不是一个东西", kComplaint, 2, N, 2, G}, {"差太多", kComplaint, 2, N, 2, G},
      // Body discomfort and damage: defects (asked about: a spec question).
      {"疼", kComplaint, 1.5, N, 1.5, D}, {"扎", kComplaint, 1.5, N, 1.5, D}, {"磨脚", kComplaint, 2, N, 1.5, D},
      {"勒", kComplaint, 1, N, 1, D}, {"痒", kComplaint, 1.5, N, 1.5, D}, {"硌", kComplaint, 1.5, N, 1.5, D},
      {"瘪", kComplaint, 2, N, 1.5, D}, {"破", kComplaint, 1.5, N, 1.5, D}, {"断", kComplaint, 1, N, 1, D},
      {"裂", kComplaint, 1.5, N, 1.5, D}, {"凹", kComplaint, 1, N, 1, D}, {"脏", kComplaint, 1.5, N, 1.5, D},
      {"污渍", kComplaint, 2, N, 1.5, D}, {"毛病", kComplaint, 1.5, N, 1.5, D}, {"有问题", kComplaint, 1.5, N, 1.5, D},
      {"怪味", kComplaint, 2, N, 1.5, D}, {"股味", kComplaint, 1.5, N, 1.5, D}, {"起毛", kComplaint, 1.5, N, 1.5, D},
      {"失灵", kComplaint, 2, N, 1.5, D}, {"松了", kComplaint, 2, N, 1.5, D}, {"掉涂层", kComplaint, 2, N, 1.5, D},
      {"开始掉", kComplaint, 1.5, N, 1.5, D}, {"粘锅", kComplaint, 2, N, 1.5, D}, {"没下文", kComplaint, 2, N, 1.5, G}, {"没拿到", kComplaint, 2, N, 1.5, G}, {"磨平", kComplaint, 2, N, 1.5, D}, {"霉味", kComplaint, 2, N, 1.5, D},
      {"一股", kComplaint, 1, N, 1, 0}, {"就磨", kComplaint, 1.5, N, 1, D}, {"静电", kComplaint, 1.5, N, 1.5, D},
      {"难受", kComplaint, 1, N, 1.5, 0}, {"缩", kComplaint, 1, N, 1, D}, {"差不多", kNoIntent, 0, X, 0, 0},
      {"补发", kComplaint, 1, N, 0.5, G}, {"就开始", kComplaint, 1, N, 0.5, 0}, {"两个色", kComplaint, 2, N, 1.5, G}, {"一般般", kComplaint, 1, N, 1.5, 0},
      {"破东西", kComplaint, 2.5, N, 2, G}, {"什么破", kComplaint, 2.5, N, 2, G}, {"破玩意", kComplaint, 2.5, N, 2, G},
      // Warning other viewers off.
      {"别买", kComplaint, 2.5, N, 2, G}, {"不要买", kComplaint, 2.5, N, 2, G}, {"千万别", kComplaint, 2, N, 2, G},
      {"劝你们", kComplaint, 1.5, N, 1, G}, {"打不通", kComplaint, 2, N, 1.5, G}, {"差很多", kComplaint, 2, N, 2, G},
      {"差别太大", kComplaint, 2, N, 2, G}, {"不是同一个", kComplaint, 2, N, 2, G},
      {"货不对", kComplaint, 2, N, 2, G}, {"客服不回", kComplaint, 2, N, 2, G},
      {"不回消息", kComplaint, 2, N, 2, G}, {"一直不回", kComplaint, 2, N, 2, G}, {"不回复", kComplaint, 2, N, 2, G}, {"没人理", kComplaint, 2, N, 2, G}, {"没人管", kComplaint, 2, N, 2, G},
      {"不理人", kComplaint, 2, N, 2, G}, {"不处理", kComplaint, 2, N, 2, G}, {"售后太差", kComplaint, 2, N, 2, G},
      {"售后差", kComplaint, 2, N, 2, G}, {"质量差", kComplaint, 2, N, 2, G}, {"质量太差", kComplaint, 2, N, 2, G},
      {"质量不行", kComplaint, 2, N, 2, G}, {"太差", kComplaint, 1.5, N, 1.5, G}, {"好差", kComplaint, 1.5, N, 1.5, G}, {"很差", kComplaint, 1.5, N, 1.5, G},
      {"态度差", kComplaint, 2, N, 2, G}, {"态度好差", kComplaint, 2, N, 2, G}, {"态度太差", kComplaint, 2, N, 2, G}, {"垃圾", kComplaint, 2, N, 2, G},
      {"难用", kComplaint, 2, N, 2, E}, {"难吃", kComplaint, 2, N, 2, E}, {"难看", kComplaint, 1.5, N, 1.5, E},
      {"失望", kComplaint, 1.5, N, 2, G}, {"后悔", kComplaint, 1.5, N, 2, G}, {"恶心", kComplaint, 1.5, N, 2, G},
      {"无语", kComplaint, 1, N, 1.5, 0}, {"气死", kComplaint, 1, N, 2, 0}, {"生气", kComplaint, 1, N, 1.5, 0},
      {"用不了", kComplaint, 2, N, 1.5, G}, {"没电了", kComplaint, 2, N, 1.5, D}, {"还好意思", kComplaint, 2, N, 2, G},
      {"再也不买", kComplaint, 2.5, N, 2, G}, {"不会再买", kComplaint, 2.5, N, 2, G}, {"再也不来", kComplaint, 2, N, 2, G},
      {"呵呵", kComplaint, 1.5, N, 1.5, 0}, {"话术", kComplaint, 1, N, 1, G}, {"不能用", kComplaint, 2, N, 1.5, G}, {"不好用", kComplaint, 2, N, 1.5, G},
      {"没效果", kComplaint, 2, N, 1.5, G}, {"没用", kComplaint, 1.5, N, 1.5, G}, {"次品", kComplaint, 2, N, 2, G},
      {"残次", kComplaint, 2, N, 2, G}, {"瑕疵", kComplaint, 1.5, N, 1.5, D}, {"划痕", kComplaint, 2, N, 1.5, D},
      {"是坏的", kComplaint, 2, N, 2, G}, {"坏了", kComplaint, 2, N, 1.5, G}, {"坏", kComplaint, 1.5, N, 1, D},
      {"破了", kComplaint, 2, N, 1.5, G}, {"破损", kComplaint, 2, N, 1.5, G}, {"烂", kComplaint, 1.5, N, 1.5, D},
      {"漏液", kComplaint, 2, N, 1.5, D}, {"漏", kComplaint, 1, N, 1, D}, {"掉色", kComplaint, 1.5, N, 1.5, D},
      {"褪色", kComplaint, 1.5, N, 1.5, D}, {"起球", kComplaint, 1.5, N, 1.5, D}, {"开线", kComplaint, 2, N, 1.5, D},
      {"色差", kComplaint, 2, N, 1.5, D}, {"缩水", kComplaint, 1.5, N, 1.5, D}, {"变形", kComplaint, 1.5, N, 1.5, D},
      {"过敏", kComplaint, 1.5, N, 1.5, D}, {"烂脸", kComplaint, 2, N, 2, G}, {"异味", kComplaint, 1.5, N, 1.5, D},
      {"味道好大", kComplaint, 2, N, 1.5, D}, {"味道大", kComplaint, 2, N, 1.5, D}, {"刺鼻", kComplaint, 2, N, 1.5, D},
      {"臭", kComplaint, 1.5, N, 1.5, D}, {"卡顿", kComplaint, 1.5, N, 1.5, D}, {"死机", kComplaint, 2, N, 1.5, D},
      {"发霉", kComplaint, 2, N, 2, D}, {"开胶", kComplaint, 2, N, 1.5, D}, {"脱胶", kComplaint, 2, N, 1.5, D},
      {"断了", kComplaint, 2, N, 1.5, D}, {"裂了", kComplaint, 2, N, 1.5, D}, {"碎了", kComplaint, 2, N, 1.5, D},
      {"缺了", kComplaint, 2, N, 1.5, G}, {"少了一", kComplaint, 2, N, 1.5, G}, {"少了个", kComplaint, 2, N, 1.5, G},
      {"少个", kComplaint, 1.5, N, 1.5, G}, {"掉漆", kComplaint, 2, N, 1.5, D},
      {"生锈", kComplaint, 2, N, 1.5, D}, {"三无", kComplaint, 2, N, 2, G}, {"劣质", kComplaint, 2, N, 2, G},
      {"根本", kComplaint, 1, N, 1, 0}, {"居然", kComplaint, 0.7, N, 0.7, 0}, {"竟然", kComplaint, 0.7, N, 0.7, 0},
      {"没法用", kComplaint, 2, N, 1.5, G}, {"不给", kComplaint, 1, N, 1, G}, {"推来推去", kComplaint, 2, N, 2, G},
      {"敷衍", kComplaint, 2, N, 2, G}, {"差劲", kComplaint, 2, N, 2, G}, {"塑料味", kComplaint, 2, N, 1.5, D},
      {"线头", kComplaint, 1.5, N, 1, D}, {"服了", kComplaint, 1, N, 1.5, 0}, {"半个月", kComplaint, 1, N, 0.5, 0},
      {"驿站", kShipping, 1, X, 0, 0}, {"放驿站", kComplaint, 2, N, 1.5, G}, {"不打电话", kComplaint, 1.5, N, 1.5, G}, {"拉肚子", kComplaint, 2, N, 2, G}, {"过期", kComplaint, 2, N, 2, D}, {"扎人", kComplaint, 1.5, N, 1.5, D},
      {"掉毛", kComplaint, 1.5, N, 1.5, D}, {"太薄", kComplaint, 1, N, 1, D}, {"透光", kComplaint, 1, N, 1, D},
      // ---- other (greetings, chat) ------------------------------------------------
      {"来了", kOther, 1, U, 0.8, 0}, {"来啦", kOther, 1, P, 0.5, 0}, {"刚来", kOther, 1.5, U, 0.8, 0},
      {"刚进来", kOther, 1.5, U, 0.8, 0}, {"打卡", kOther, 1.5, U, 0.8, 0}, {"报道", kOther, 1.5, U, 0.8, 0},
      {"报到", kOther, 1.5, U, 0.8, 0}, {"晚上好", kOther, 1.5, P, 1, 0}, {"早上好", kOther, 1.5, P, 1, 0},
      {"下午好", kOther, 1.5, P, 1, 0}, {"主播好", kOther, 1.5, P, 0.5, 0}, {"大家好", kOther, 1.5, P, 0.5, 0},
      {"在吗", kOther, 1.5, U, 0.8, 0}, {"有人吗", kOther, 1.5, U, 0.8, 0}, {"第一次来", kOther, 1.5, U, 0.8, 0},
      {"路过", kOther, 1, U, 0.8, 0}, {"下播", kOther, 1.5, U, 0.8, 0}, {"背景音乐", kOther, 1.5, U, 0.8, 0},
      {"bgm", kOther, 1.5, U, 0.8, 0}, {"哪里人", kOther, 1.5, U, 0.8, 0}, {"喝口水", kOther, 1.5, U, 0.8, 0},
      {"关注了", kOther, 1, U, 0.8, 0}, {"点赞", kOther, 1, U, 0.8, 0}, {"哈哈", kOther, 0.7, P, 0.7, 0},
      {"笑死", kOther, 1, P, 0.7, 0}, {"可爱", kOther, 1, P, 1, E}, {"开心", kOther, 1, P, 1, E},
      {"快乐", kOther, 1, P, 1, E}, {"无聊", kOther, 1.5, N, 1.5, 0}, {"困", kOther, 0.7, N, 0.5, E},
      {"烦", kOther, 1, N, 1.5, E}, {"累", kOther, 0.7, N, 1, E}, {"网好卡", kOther, 2, N, 1.5, 0},
      {"卡了", kOther, 1, N, 1, 0}, {"加班", kOther, 1, N, 0.5, 0}, {"心情不好", kOther, 2, N, 1.5, 0},
      {"不说话", kOther, 1.5, N, 1, 0}, {"刚下班", kOther, 1.5, U, 0.8, 0}, {"举手", kOther, 1, U, 0.8, 0},
      {"换发型", kOther, 1.5, U, 0.8, 0}, {"今天播", kOther, 1.5, U, 0.8, 0}, {"几点", kOther, 1, U, 0.8, 0},
      {"谢谢", kNoIntent, 0, P, 1, 0}, {"感谢", kNoIntent, 0, P, 1, 0}, {"加油", kOther, 1, P, 1, 0}, {"晚安", kOther, 1.5, P, 1, 0}, {"发票", kOther, 1.5, U, 0.8, 0}, {"来晚", kOther, 1.5, U, 0.8, 0}, {"错过", kOther, 1.5, U, 0.8, 0},
      {"老乡", kOther, 2, U, 0.8, 0}, {"好饿", kOther, 1.5, N, 1, 0}, {"一起看", kOther, 1.5, U, 0.8, 0}, {"发型", kOther, 1.5, X, 0, 0},
      {"好热", kOther, 1.5, N, 1, 0}, {"好冷", kOther, 1.5, N, 1, 0}, {"治愈", kOther, 1, P, 1.5, E},
      {"终于等到", kOther, 1.5, P, 1.5, 0}, {"刷到", kOther, 1.5, U, 0.8, 0}, {"关注", kOther, 1, U, 0.5, 0},
      {"好多人", kOther, 1.5, U, 0.8, 0}, {"明天见", kOther, 1.5, U, 0.5, 0}, {"主播是", kOther, 1.5, U, 0.5, 0}, {"好甜", kNoIntent, 0, P, 1.5, E},
      {"声音", kOther, 1, X, 0, 0}, {"人好多", kOther, 1.5, U, 0.8, 0}, {"背景", kOther, 1.5, X, 0, 0}, {"注意安全", kOther, 2, U, 0.8, 0},
      {"下雨", kOther, 1.5, U, 0.5, 0}, {"熬夜", kOther, 1.5, U, 0.5, 0},
      {"睡觉", kOther, 1.5, N, 0.5, 0}, {"想睡", kOther, 1.5, N, 1, 0}, {"好听", kNoIntent, 0, P, 1.5, E},
      {"辛苦", kOther, 1, P, 0.7, 0},
      // Good words about the host's looks are chat, not product praise.
      {"主播好美", kOther, 2.5, P, 1.5, 0}, {"主播今天好美", kOther, 2.5, P, 1.5, 0}, {"主播好漂亮", kOther, 2.5, P, 1.5, 0},
      {"主播今天好漂亮", kOther, 2.5, P, 1.5, 0}, {"主播真漂亮", kOther, 2.5, P, 1.5, 0}, {"主播好帅", kOther, 2.5, P, 1.5, 0},
      {"主播好可爱", kOther, 2.5, P, 1.5, 0}, {"主播真好看", kOther, 2.5, P, 1.5, 0}, {"主播好好看", kOther, 2.5, P, 1.5, 0},
      {"小姐姐好美", kOther, 2.5, P, 1.5, 0}, {"小姐姐好漂亮", kOther, 2.5, P, 1.5, 0},
      // ---- families added against a held-out set (tests/data/own_dev/comments_holdout.jsonl) --
      // Where it goes: a delivery address or destination is a shipping question
      // (送到乡镇吗, 能寄到香港吗, 下单后能改地址吗, 发到新疆).
      {"地址", kShipping, 2, X, 0, 0}, {"送到", kShipping, 1.5, X, 0, 0}, {"寄到", kShipping, 2, X, 0, 0},
      {"发到", kShipping, 1.5, X, 0, 0}, {"邮到", kShipping, 2, X, 0, 0}, {"能寄", kShipping, 1.5, X, 0, 0},
      {"邮寄", kShipping, 1.5, X, 0, 0}, {"寄吗", kShipping, 1.5, X, 0, 0}, {"乡镇", kShipping, 1.5, X, 0, 0},
      {"农村", kShipping, 1, X, 0, 0}, {"村里", kShipping, 1, X, 0, 0}, {"海外", kShipping, 1, X, 0, 0},
      {"到付", kShipping, 1.5, X, 0, 0}, {"自提", kShipping, 1.5, X, 0, 0}, {"退货地址", kOther, 2, U, 0.8, 0},
      // Suitability: who or what it can be used by or with (三岁宝宝能吃吗, 能用吗).
      {"能吃", kSpec, 1.5, X, 0, 0}, {"可以吃", kSpec, 1.5, X, 0, 0}, {"能喝", kSpec, 1.5, X, 0, 0},
      {"可以喝", kSpec, 1.5, X, 0, 0}, {"能用", kSpec, 1.5, X, 0, 0}, {"可以用", kSpec, 1.5, X, 0, 0},
      {"能戴", kSpec, 1.5, X, 0, 0}, {"能装", kSpec, 1.5, X, 0, 0}, {"能洗", kSpec, 1.5, X, 0, 0},
      // Body and product measurements (腰围多少, 多少瓦): a spec, not a price, whatever 多少 says.
      {"腰围", kSpec, 2, X, 0, 0}, {"胸围", kSpec, 2, X, 0, 0}, {"臀围", kSpec, 2, X, 0, 0}, {"肩宽", kSpec, 2, X, 0, 0},
      {"脚长", kSpec, 2, X, 0, 0}, {"脚宽", kSpec, 2, X, 0, 0}, {"脚胖", kSpec, 2, X, 0, 0}, {"腿粗", kSpec, 2, X, 0, 0},
      {"多少瓦", kSpec, 2, X, 0, 0}, {"几瓦", kSpec, 2, X, 0, 0}, {"多少度", kSpec, 2, X, 0, 0}, {"多少寸", kSpec, 2, X, 0, 0},
      {"几寸", kSpec, 2, X, 0, 0}, {"多少升", kSpec, 2, X, 0, 0}, {"几升", kSpec, 2, X, 0, 0}, {"多少克", kSpec, 2, X, 0, 0},
      {"多少毫升", kSpec, 2, X, 0, 0}, {"多少厘米", kSpec, 2, X, 0, 0}, {"多少公分", kSpec, 2, X, 0, 0}, {"多高", kSpec, 1.5, X, 0, 0},
      {"多少斤", kSpec, 2, X, 0, 0}, {"多少码", kSpec, 2, X, 0, 0}, {"多少ml", kSpec, 2, X, 0, 0}, {"耗电", kSpec, 1.5, X, 0, 0},
      // Buying: asking for one, stock running out, another round.
      {"给我来", kPurchase, 2, X, 0, 0}, {"给我留", kPurchase, 2, X, 0, 0},
      {"秒没", kPurchase, 1.5, X, 0, 0}, {"再上", kPurchase, 1.5, X, 0, 0},
      {"必须入", kPurchase, 2, P, 1.5, 0}, {"必须拍", kPurchase, 2, P, 1.5, 0},
      {"手慢", kPurchase, 1.5, N, 1, 0}, {"手太慢", kPurchase, 2, N, 1, 0}, {"手速", kPurchase, 1, X, 0, 0},
      // The stream itself: events, replays, the camera, going live.
      {"抽奖", kOther, 2, U, 0.8, 0}, {"福袋", kOther, 2, U, 0.8, 0}, {"回放", kOther, 2, U, 0.8, 0},
      {"开播", kOther, 2, U, 0.8, 0}, {"镜头", kOther, 1.5, U, 0.8, 0}, {"画面", kOther, 1.5, X, 0, 0},
      {"直播间人", kOther, 1.5, U, 0.8, 0}, {"礼物", kOther, 1.5, U, 0.8, 0}, {"连麦", kOther, 2, U, 0.8, 0},
      // About people, not products: age, names, who is who.
      {"多大了", kOther, 2, U, 0.8, 0}, {"几岁了", kOther, 2, U, 0.8, 0}, {"叫什么名字", kOther, 2, U, 0.8, 0},
      {"是谁", kOther, 1.5, U, 0.8, 0}, {"结婚了", kOther, 2, U, 0.8, 0}, {"拜拜", kOther, 1.5, U, 0.8, 0},
      {"撤了", kOther, 1.5, U, 0.8, 0}, {"先走了", kOther, 1.5, U, 0.8, 0},
      // The host's manner: praise (讲得好, 专业 are listed above).
      {"耐心", kPraise, 1.5, P, 1.5, E}, {"用心", kPraise, 1.5, P, 1.5, E}, {"敬业", kPraise, 1.5, P, 1.5, E},
      {"真诚", kPraise, 1.5, P, 1.5, E}, {"贴心", kPraise, 1.5, P, 1.5, E}, {"实在", kPraise, 1.5, P, 1.5, E},
      {"宠粉", kPraise, 1, P, 1, E}, {"老顾客", kPraise, 1.5, P, 1, 0}, {"放心", kPraise, 1, P, 1, E},
      {"好闻", kPraise, 1.5, P, 1.5, E}, {"精致", kPraise, 1.5, P, 1.5, E}, {"耐用", kPraise, 1.5, P, 1.5, E},
      {"点个赞", kPraise, 1.5, P, 1.5, 0}, {"赞一个", kPraise, 1.5, P, 1.5, 0}, {"五星", kPraise, 1.5, P, 1.5, 0},
      // Damage in transit, used or second-hand goods sent as new.
      {"压扁", kComplaint, 2, N, 1.5, G}, {"压碎", kComplaint, 2, N, 1.5, G}, {"压烂", kComplaint, 2, N, 1.5, G},
      {"摔坏", kComplaint, 2, N, 1.5, G}, {"摔碎", kComplaint, 2, N, 1.5, G}, {"扁了", kComplaint, 2, N, 1.5, G},
      {"洒了", kComplaint, 2, N, 1.5, G}, {"漏了", kComplaint, 2, N, 1.5, G}, {"旧的", kComplaint, 2, N, 1.5, G},
      {"二手", kComplaint, 2, N, 1.5, G}, {"使用痕迹", kComplaint, 2, N, 1.5, G}, {"被人用过", kComplaint, 2, N, 2, G},
      {"翻新", kComplaint, 2, N, 1.5, G}, {"穿不上", kComplaint, 2, N, 1.5, G}, {"穿不进", kComplaint, 2, N, 1.5, G},
      {"没给", kComplaint, 1.5, N, 1.5, G}, {"一言难尽", kComplaint, 2, N, 2, G}, {"全是托", kComplaint, 2, N, 2, G},
      {"托儿", kComplaint, 1.5, N, 1.5, G}, {"刷的", kComplaint, 1.5, N, 1.5, G}, {"念稿", kComplaint, 1.5, N, 1.5, G},
      // Couriers by name (发申通吗, 极兔快吗): shipping.
      {"申通", kShipping, 1.5, X, 0, 0}, {"极兔", kShipping, 1.5, X, 0, 0}, {"邮政", kShipping, 1.5, X, 0, 0},
      {"ems", kShipping, 1.5, X, 0, 0}, {"百世", kShipping, 1.5, X, 0, 0}, {"德邦", kShipping, 1.5, X, 0, 0},
      {"京东物流", kShipping, 2, X, 0, 0}, {"菜鸟", kShipping, 1.5, X, 0, 0}, {"天天快递", kShipping, 2, X, 0, 0},
      // Counts per pack (一箱多少瓶, 一包几抽, 几天的量): a spec, whatever 多少 says.
      {"多少瓶", kSpec, 2, X, 0, 0}, {"几瓶", kSpec, 2, X, 0, 0}, {"多少包", kSpec, 2, X, 0, 0}, {"几包", kSpec, 2, X, 0, 0},
      {"多少袋", kSpec, 2, X, 0, 0}, {"几袋", kSpec, 2, X, 0, 0}, {"多少支", kSpec, 2, X, 0, 0}, {"几支", kSpec, 2, X, 0, 0},
      {"多少粒", kSpec, 2, X, 0, 0}, {"几粒", kSpec, 2, X, 0, 0}, {"多少颗", kSpec, 2, X, 0, 0}, {"几颗", kSpec, 2, X, 0, 0},
      {"多少片", kSpec, 2, X, 0, 0}, {"多少只", kSpec, 2, X, 0, 0}, {"几只", kSpec, 2, X, 0, 0}, {"多少抽", kSpec, 2, X, 0, 0},
      {"几抽", kSpec, 2, X, 0, 0}, {"几层", kSpec, 2, X, 0, 0}, {"多少层", kSpec, 2, X, 0, 0}, {"多少双", kSpec, 2, X, 0, 0},
      {"几双", kSpec, 2, X, 0, 0}, {"多少个", kSpec, 1.5, X, 0, 0}, {"的量", kSpec, 1.5, X, 0, 0}, {"多少条", kSpec, 1.5, X, 0, 0},
      // A colour or size still there (奶白色还有吗, 42码还有吗) asks about the variant.
      {"色还有", kSpec, 2, X, 0, 0}, {"色有吗", kSpec, 2, X, 0, 0}, {"色的", kSpec, 1, X, 0, 0}, {"码还有", kSpec, 2, X, 0, 0},
      // Gifts asked for: price (赠品 is listed above).
      {"礼品", kPrice, 1.5, X, 0, 0}, {"小礼物", kPrice, 1.5, X, 0, 0}, {"送个", kPrice, 1, X, 0, 0}, {"赠送", kPrice, 1.5, X, 0, 0},
      // Looks and style words (款式好洋气, 颜色太正了): praise.
      {"洋气", kPraise, 1.5, P, 1.5, E}, {"时髦", kPraise, 1.5, P, 1.5, E}, {"大气", kPraise, 1.5, P, 1.5, E},
      {"百搭", kPraise, 1.5, P, 1.5, E}, {"显气质", kPraise, 1.5, P, 1.5, E}, {"有气质", kPraise, 1.5, P, 1.5, E},
      {"颜色正", kPraise, 1.5, P, 1.5, E}, {"太正了", kPraise, 1.5, P, 1.5, E}, {"好正", kPraise, 1.5, P, 1.5, E},
      {"清楚", kPraise, 1, P, 1, E}, {"讲的好", kPraise, 1.5, P, 1.5, E}, {"讲的真好", kPraise, 1.5, P, 1.5, E},
      // Someone else's good word (我妈说好用): not 说好 (as promised).
      {"说好用", kPraise, 1.5, P, 1.5, 0}, {"说好吃", kPraise, 1.5, P, 1.5, 0}, {"说好看", kPraise, 1.5, P, 1.5, 0},
      {"说好喝", kPraise, 1.5, P, 1.5, 0}, {"说不错", kPraise, 1.5, P, 1.5, 0}, {"说舒服", kPraise, 1.5, P, 1.5, 0},
      // Missing out on stock: a purchase gone wrong, not a complaint about the product.
      {"抢空", kPurchase, 1.5, N, 1, 0}, {"抢没了", kPurchase, 1.5, N, 1, 0}, {"没抢", kPurchase, 1.5, N, 1, 0},
      // Stream chat: new arrivals' schedule, fans, laughs.
      {"上新", kOther, 1.5, U, 0.8, 0}, {"蹲直播", kOther, 2, U, 0.8, 0}, {"新粉", kOther, 1.5, U, 0.8, 0},
      {"搞笑", kOther, 1, P, 1, 0}, {"好笑", kOther, 1, P, 1, 0},
      // Grievances in other words: no reply, never again, paid too much, sarcastic 这也叫.
      {"不回", kComplaint, 1.5, N, 1.5, G}, {"再也不", kComplaint, 2, N, 2, G}, {"买贵", kComplaint, 2, N, 1.5, R | G},
      {"买亏", kComplaint, 2, N, 1.5, R | G}, {"这也叫", kComplaint, 2, N, 2, G}, {"这也算", kComplaint, 2, N, 2, G},
      {"严重", kComplaint, 1.5, N, 1.5, D},
      // The stream lagging is chat about the stream, not a delivery stuck (不动了).
      {"画面不动", kOther, 2.5, N, 1.5, 0}, {"画面卡", kOther, 2.5, N, 1.5, 0}, {"网卡", kOther, 2, N, 1.5, 0},
      {"直播卡", kOther, 2.5, N, 1.5, 0}, {"声音卡", kOther, 2.5, N, 1.5, 0},
      // Skin reactions: a defect (asked about: 会不会爆痘, a spec question).
      {"爆痘", kComplaint, 2, N, 1.5, D}, {"长痘", kComplaint, 2, N, 1.5, D}, {"闷痘", kComplaint, 2, N, 1.5, D},
      {"起痘", kComplaint, 2, N, 1.5, D}, {"冒痘", kComplaint, 2, N, 1.5, D}, {"红肿", kComplaint, 2, N, 1.5, D},
      {"刺痛", kComplaint, 2, N, 1.5, D}, {"泛红", kComplaint, 1.5, N, 1.5, D}, {"起疹", kComplaint, 2, N, 1.5, D},
      {"长疹", kComplaint, 2, N, 1.5, D}, {"辣眼", kComplaint, 1.5, N, 1.5, D},
      // Unpleasant to smell, wear, wash: complaints (难用, 难吃, 难看 are listed above).
      {"难闻", kComplaint, 2, N, 2, E}, {"难穿", kComplaint, 2, N, 2, E}, {"难喝", kComplaint, 2, N, 2, E},
      {"难洗", kComplaint, 2, N, 1.5, E}, {"难装", kComplaint, 2, N, 1.5, E}, {"难擦", kComplaint, 2, N, 1.5, E},
      // Being misled: complaints.
      {"忽悠", kComplaint, 2, N, 2, G}, {"糊弄", kComplaint, 2, N, 2, G}, {"误导", kComplaint, 2, N, 2, G},
      {"夸大", kComplaint, 2, N, 2, G}, {"吹牛", kComplaint, 2, N, 2, G}, {"吹得", kComplaint, 1.5, N, 1.5, G},
      {"根本不是", kComplaint, 2, N, 2, G}, {"不是正品", kComplaint, 2, N, 2, G}, {"根本没", kComplaint, 1.5, N, 1.5, G},
      // Arrived broken, said with 的 (到手是碎的, 收到烂的).
      {"碎的", kComplaint, 2, N, 1.5, G}, {"烂的", kComplaint, 2, N, 1.5, G}, {"破的", kComplaint, 2, N, 1.5, G},
      {"裂的", kComplaint, 2, N, 1.5, G}, {"脏的", kComplaint, 2, N, 1.5, G}, {"坏的", kComplaint, 2, N, 1.5, G},
      // Paying with points or credits: price.
      {"积分", kPrice, 1.5, X, 0, 0}, {"抵扣", kPrice, 1.5, X, 0, 0}, {"能抵", kPrice, 1.5, X, 0, 0},
      {"购物金", kPrice, 1.5, X, 0, 0}, {"津贴", kPrice, 1.5, X, 0, 0},
      // Authentic taste: praise.
      {"正宗", kPraise, 1.5, P, 1.5, E}, {"地道", kPraise, 1.5, P, 1.5, E},
      // Rushing an order: shipping.
      {"加急", kShipping, 2, X, 0, 0}, {"催一下", kShipping, 1.5, X, 0, 0},
      // Gifts to the host, interjections, coming from another stream: chat.
      {"送主播", kOther, 2, P, 1, 0}, {"小花花", kOther, 1.5, P, 1, 0}, {"小心心", kOther, 1.5, P, 1, 0},
      {"好家伙", kOther, 1.5, U, 0.8, 0}, {"我的天", kOther, 1, U, 0.5, 0}, {"天呐", kOther, 1, U, 0.5, 0},
      {"天哪", kOther, 1, U, 0.5, 0}, {"啊这", kOther, 1, U, 0.5, 0}, {"别的直播间", kOther, 2, U, 0.8, 0},
      // Speed asked as A-not-A (发货慢不慢, 快递快不快): a shipping question, no grievance.
      {"慢不慢", kShipping, 2, U, 0.5, 0}, {"快不快", kShipping, 2, U, 0.5, 0},
      // When it arrives, by day (明天到吗, 几号到), and the courier calling: shipping.
      {"明天到", kShipping, 2, X, 0, 0}, {"后天到", kShipping, 2, X, 0, 0}, {"今天到", kShipping, 2, X, 0, 0},
      {"几号到", kShipping, 2, X, 0, 0}, {"哪天到", kShipping, 2, X, 0, 0}, {"周末到", kShipping, 2, X, 0, 0},
      {"明天能到", kShipping, 2, X, 0, 0}, {"打电话", kShipping, 1.5, X, 0, 0},
      // A problem denied after the noun (一点问题没有, 没毛病): praise.
      {"没问题", kPraise, 1.5, P, 1.5, E}, {"问题没有", kPraise, 1.5, P, 1.5, 0}, {"没毛病", kPraise, 1.5, P, 1.5, E},
      {"毛病没有", kPraise, 1.5, P, 1.5, 0}, {"都说好", kPraise, 2, P, 1.5, 0}, {"物超所值", kPraise, 2, P, 2, 0},
      // Snags in fabric, and the gap between the ad and the goods.
      {"勾丝", kComplaint, 2, N, 1.5, D}, {"抽丝", kComplaint, 2, N, 1.5, D}, {"脱线", kComplaint, 2, N, 1.5, D},
      {"差距", kComplaint, 1.5, N, 1.5, G}, {"落差", kComplaint, 1.5, N, 1.5, G}, {"买家秀", kComplaint, 1, N, 1, G},
      // Keeping it (冰箱能放几天): a spec. Chat: arriving, being first, the host's make-up.
      {"保存", kSpec, 1.5, X, 0, 0}, {"放几天", kSpec, 2, X, 0, 0}, {"放多久", kSpec, 2, X, 0, 0},
      {"来咯", kOther, 1.5, U, 0.8, 0}, {"来喽", kOther, 1.5, U, 0.8, 0}, {"第一个", kOther, 1.5, U, 0.8, 0},
      {"化妆", kOther, 1, U, 0.5, 0}, {"扣一", kPurchase, 2, X, 0, 0}, {"已抢", kPurchase, 2, P, 1, 0},
      // Easy to wear, use, care for (超好穿, 好吸收), wanting more, worth its price: praise.
      {"好穿", kPraise, 1.5, P, 1.5, E}, {"好戴", kPraise, 1.5, P, 1.5, E}, {"好搭", kPraise, 1.5, P, 1.5, E},
      {"好吸收", kPraise, 1.5, P, 1.5, E}, {"好上手", kPraise, 1.5, P, 1.5, E}, {"好打理", kPraise, 1.5, P, 1.5, E},
      {"好清洗", kPraise, 1.5, P, 1.5, E}, {"还想吃", kPraise, 1.5, P, 1.5, 0}, {"还想喝", kPraise, 1.5, P, 1.5, 0},
      {"一分钱一分货", kPraise, 1.5, P, 1.5, 0}, {"精美", kPraise, 1.5, P, 1.5, E}, {"有面子", kPraise, 1.5, P, 1.5, 0},
      {"出乎意料", kPraise, 1, P, 1, 0},
      // Canned replies from customer service: a grievance.
      {"复制粘贴", kComplaint, 2, N, 1.5, G}, {"自动回复", kComplaint, 1.5, N, 1.5, G}, {"机器人回复", kComplaint, 2, N, 1.5, G},
      {"只会", kComplaint, 1, N, 1, G},
      // Watching habits and meals: chat.
      {"吃饭", kOther, 1.5, U, 0.8, 0}, {"边吃边看", kOther, 2, U, 0.8, 0}, {"天天来", kOther, 1.5, U, 0.8, 0},
      {"每天来", kOther, 1.5, U, 0.8, 0}, {"天天看", kOther, 1.5, U, 0.8, 0},
      // A smell too strong, dizziness, rashes, a garbled screen: defects.
      {"太冲", kComplaint, 1.5, N, 1.5, D}, {"好冲", kComplaint, 1.5, N, 1.5, D}, {"很冲", kComplaint, 1.5, N, 1.5, D},
      {"冲鼻", kComplaint, 2, N, 1.5, D}, {"头晕", kComplaint, 1.5, N, 1.5, D}, {"红疹", kComplaint, 2, N, 1.5, D},
      {"疹子", kComplaint, 2, N, 1.5, D}, {"花屏", kComplaint, 2, N, 1.5, D}, {"屏幕花", kComplaint, 2, N, 1.5, D},
      // Far from the ad; pushed around by after-sales.
      {"差太远", kComplaint, 2, N, 2, G}, {"差得远", kComplaint, 2, N, 2, G}, {"差远了", kComplaint, 2, N, 2, G},
      {"推三阻四", kComplaint, 2, N, 2, G}, {"踢皮球", kComplaint, 2, N, 2, G}, {"不退款", kComplaint, 2, N, 2, G},
      // A bargain got (买到赚了, 捡漏): praise. Asking for one kept or counted: purchase.
      {"赚了", kPraise, 1.5, P, 1.5, 0}, {"赚到", kPraise, 1.5, P, 1.5, 0}, {"捡漏", kPraise, 1.5, P, 1.5, 0},
      {"扣个1", kPurchase, 2, X, 0, 0}, {"扣个一", kPurchase, 2, X, 0, 0}, {"帮我留", kPurchase, 2, X, 0, 0},
      // What the host wears (主播身上这件是几号) is a size question; a price one can buy at (99能拿吗).
      {"身上", kSpec, 1, X, 0, 0}, {"能拿", kPrice, 1.5, X, 0, 0}, {"能拿下", kPrice, 1.5, X, 0, 0},
      // ---- emoji and bracket emoticons --------------------------------------------
      {"😍", kNoIntent, 0, P, 1.5, 0}, {"❤", kNoIntent, 0, P, 1.5, 0}, {"👍", kPraise, 1, P, 1.5, 0},
      {"🥰", kNoIntent, 0, P, 1.5, 0}, {"😘", kNoIntent, 0, P, 1, 0}, {"💕", kNoIntent, 0, P, 1.5, 0},
      {"💯", kNoIntent, 0, P, 1.5, 0}, {"🔥", kNoIntent, 0, P, 1, 0}, {"👏", kNoIntent, 0, P, 1, 0},
      {"😊", kNoIntent, 0, P, 1, 0}, {"😄", kNoIntent, 0, P, 1, 0}, {"😁", kNoIntent, 0, P, 1, 0},
      {"🤩", kNoIntent, 0, P, 1.5, 0}, {"✨", kNoIntent, 0, P, 0.7, 0}, {"🌹", kNoIntent, 0, P, 1, 0},
      {"💖", kNoIntent, 0, P, 1.5, 0}, {"😋", kNoIntent, 0, P, 1, 0}, {"🎉", kNoIntent, 0, P, 1, 0},
      {"[赞]", kNoIntent, 0, P, 1.5, 0}, {"[爱心]", kNoIntent, 0, P, 1.5, 0}, {"[玫瑰]", kNoIntent, 0, P, 1, 0},
      {"😡", kNoIntent, 0, N, 2, 0}, {"😠", kNoIntent, 0, N, 2, 0}, {"🤬", kNoIntent, 0, N, 2, 0},
      {"👎", kNoIntent, 0, N, 2, 0}, {"💢", kNoIntent, 0, N, 1.5, 0}, {"😤", kNoIntent, 0, N, 1.5, 0},
      {"😒", kNoIntent, 0, N, 1.5, 0}, {"🙄", kNoIntent, 0, N, 1.5, 0}, {"😭", kNoIntent, 0, N, 1, 0},
      {"😞", kNoIntent, 0, N, 1.5, 0}, {"😔", kNoIntent, 0, N, 1, 0}, {"💩", kNoIntent, 0, N, 1.5, 0},
      {"🤮", kNoIntent, 0, N, 2, 0}, {"😩", kNoIntent, 0, N, 1.5, 0}, {"😫", kNoIntent, 0, N, 1.5, 0},
      {"[哭]", kNoIntent, 0, N, 1, 0}, {"[怒]", kNoIntent, 0, N, 2, 0}, {"[捂脸]", kNoIntent, 0, U, 0.3, 0},
      {"[疑问]", kNoIntent, 0, U, 0.3, 0}, {"🤔", kNoIntent, 0, U, 0.3, 0},
  };
  return list;
}

const std::vector<const char*>& negators() {
  static const std::vector<const char*> list = {"不", "没", "没有", "别", "无", "不太", "不怎么", "一点也不", "一点都不",
                                                "并不", "不是很", "不够", "不算", "谈不上", "不咋"};
  return list;
}

const std::vector<const char*>& sarcasm_markers() {
  static const std::vector<const char*> list = {"呵呵", "真是", "真行", "可真", "好一个", "就这", "太会了", "真会",
                                                "服了", "绝了绝了", "我谢谢", "谢谢你", "佩服", "不愧是", "厉害了"};
  return list;
}

const std::vector<const char*>& question_cues() {
  static const std::vector<const char*> list = {"?", "吗", "嘛", "么", "多少", "几", "啥", "咋", "什么", "神马", "怎么",
                                                "哪", "有没有", "有木有", "能不能", "可不可以", "是不是", "会不会",
                                                "要不要", "如何", "呢", "多久", "多大", "多重", "多长", "谁"};
  return list;
}

const std::vector<const char*>& filler_words() {
  static const std::vector<const char*> list = {
      "主播", "播播", "宝宝", "宝子", "姐妹们", "姐妹", "家人们", "家人", "老铁", "亲们", "亲", "小姐姐", "小哥哥",
      "姐姐", "哥哥", "美女", "老板", "请问", "问一下", "问下", "想问", "我想问", "那个", "这个", "这款", "这件", "介个",
      "啊", "呀", "呢", "吧", "哦", "噢", "喔", "哈", "啦", "哇", "捏", "滴", "嘞", "咧", "耶", "丫", "麻烦", "一下"};
  return list;
}

}  // namespace comments
