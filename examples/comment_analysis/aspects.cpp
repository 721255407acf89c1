#include "comment_analysis/aspects.hpp"

#include "common/utf8.hpp"

namespace comments {

namespace {

std::string lower_ascii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool contains_any(const std::string& text, const std::vector<const char*>& words) {
  for (const char* w : words)
    if (text.find(w) != std::string::npos) return true;
  return false;
}

}  // namespace

const std::vector<Aspect>& aspects() {
  static const std::vector<Aspect> list = {
      {"size", "尺码", {"尺码", "码数", "大码", "小码", "什么码", "几码", "均码", "断码", "偏大", "偏小", "身高", "体重", "斤", "尺寸", "多大", "xl"},
       "很多观众在问尺码（{n}条）：展示尺码表，按身高体重给出推荐尺码"},
      {"colour", "颜色", {"颜色", "色差", "几个色", "什么色", "掉色", "黑色", "白色", "色号"},
       "颜色被提到{n}次：把每个颜色都上镜展示一遍，说明有没有色差"},
      {"material", "材质", {"材质", "面料", "材料", "布料", "纯棉", "真皮", "起球", "成分", "质地"},
       "材质被提到{n}次：近景展示面料细节，讲清成分和洗护方法"},
      {"capacity", "容量/重量", {"容量", "毫升", "ml", "净含量", "多重", "重量", "规格", "多少克"},
       "规格容量被问了{n}次：报出容量和重量，拿实物对比展示"},
      {"price", "价格", {"多少钱", "多钱", "价格", "价各", "什么价", "到手价", "贵", "便宜", "券", "优惠", "满减", "折扣", "几块"},
       "价格被提到{n}次：反复报到手价，把优惠券和满减规则打在公屏上"},
      {"shipping", "发货物流", {"发货", "快递", "物流", "包邮", "顺丰", "几天到", "到货", "发什么", "运费"},
       "{n}条弹幕关心发货物流：说明发货时间、快递公司和包邮范围"},
      {"quality", "质量", {"质量", "做工", "品质", "坏了", "是坏的", "开线", "假货", "正品", "漏液"},
       "{n}条弹幕提到质量：展示做工细节和质检报告，正面回应质量疑问"},
      {"after_sales", "售后", {"退货", "退款", "退换", "售后", "客服", "运费险", "换货", "无理由"},
       "{n}条弹幕问售后：讲清退换货政策和运费险"},
      {"link", "链接/下单", {"链接", "连接", "小黄车", "怎么拍", "怎么下单", "几号", "上车"},
       "{n}条弹幕在找链接：报出链接序号，提醒点小黄车下单"},
      {"gift", "赠品", {"赠品", "送什么", "有送", "小样", "赠送"},
       "{n}条弹幕问赠品：说清赠品内容和领取条件"},
      {"stock", "库存", {"库存", "有货", "没货", "补货", "还有吗", "抢不到", "卖完"},
       "{n}条弹幕问库存：报剩余库存，提醒抓紧下单"},
  };
  return list;
}

std::vector<std::size_t> mentioned_aspects(const std::string& clean_text) {
  const std::string text = lower_ascii(clean_text);
  std::vector<std::size_t> out;
  const auto& list = aspects();
  for (std::size_t i = 0; i < list.size(); ++i)
    if (contains_any(text, list[i].keywords)) out.push_back(i);
  return out;
}

bool is_question(const std::string& clean_text) {
  static const std::vector<const char*> cues = {
      "？", "?",     "吗",   "嘛",     "多少",   "什么",   "啥",     "神马",   "几",   "怎么",
      "咋", "哪",    "有没有", "有木有", "能不能", "可不可以", "是不是", "会不会", "多大", "多久", "如何"};
  return contains_any(clean_text, cues);
}

std::string question_key(const std::string& clean_text) {
  std::u32string kept;
  for (char32_t cp : app::utf8::decode(lower_ascii(clean_text)))
    if (!app::utf8::is_punctuation_or_symbol(cp)) kept += cp;
  return app::utf8::encode(kept);
}

}  // namespace comments
