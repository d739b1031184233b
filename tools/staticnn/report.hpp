#pragma once
// Training reports: per-epoch records, metrics.json, an SVG of the curves, and the progress line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <staticnn/io/atomic_file.hpp>

namespace staticnn::cli {

struct epoch_record {
  std::size_t epoch = 0;
  double train_loss = 0, train_accuracy = 0, test_accuracy = 0, seconds = 0, images_per_s = 0;
};

inline std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

inline std::string metrics_json(const std::vector<epoch_record>& rs) {
  std::string s = "[\n";
  for (std::size_t i = 0; i < rs.size(); ++i) {
    const auto& r = rs[i];
    s += "  {\"epoch\": " + std::to_string(r.epoch) + ", \"train_loss\": " + fmt("%.6f", r.train_loss) +
         ", \"train_accuracy\": " + fmt("%.6f", r.train_accuracy) + ", \"test_accuracy\": " +
         fmt("%.6f", r.test_accuracy) + ", \"seconds\": " + fmt("%.3f", r.seconds) +
         ", \"images_per_s\": " + fmt("%.1f", r.images_per_s) + "}" + (i + 1 < rs.size() ? ",\n" : "\n");
  }
  return s + "]\n";
}

// Train loss, train accuracy and test accuracy against epoch, as the seed's plots.
inline std::string curves_svg(const std::vector<epoch_record>& rs, const std::string& title) {
  const double W = 640, H = 400, L = 60, R = 170, T = 40, B = 50;
  const double epochs = static_cast<double>(std::max<std::size_t>(rs.empty() ? 1 : rs.back().epoch, 1));
  double ymax = 1;
  for (const auto& r : rs) ymax = std::max(ymax, r.train_loss);
  ymax = std::ceil(ymax * 5) / 5;
  auto x = [&](double e) { return L + (W - L - R) * (epochs == 1 ? 0.5 : (e - 1) / (epochs - 1)); };
  auto y = [&](double v) { return H - B - (H - T - B) * std::clamp(v, 0.0, ymax) / ymax; };
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"400\" font-family=\"sans-serif\" "
                  "font-size=\"12\">\n<rect width=\"640\" height=\"400\" fill=\"white\"/>\n";
  s += "<text x=\"" + fmt("%.0f", W / 2 - 60) + "\" y=\"24\" font-size=\"14\">" + title + "</text>\n";
  for (int k = 0; k <= 5; ++k) {  // horizontal grid and y labels
    const double v = ymax * k / 5;
    s += "<line x1=\"" + fmt("%.1f", L) + "\" x2=\"" + fmt("%.1f", W - R) + "\" y1=\"" + fmt("%.1f", y(v)) +
         "\" y2=\"" + fmt("%.1f", y(v)) + "\" stroke=\"#ddd\"/>\n<text x=\"" + fmt("%.1f", L - 8) + "\" y=\"" +
         fmt("%.1f", y(v) + 4) + "\" text-anchor=\"end\">" + fmt("%.1f", v) + "</text>\n";
  }
  for (const auto& r : rs) {  // x labels
    const double e = static_cast<double>(r.epoch);
    s += "<text x=\"" + fmt("%.1f", x(e)) + "\" y=\"" + fmt("%.1f", H - B + 18) + "\" text-anchor=\"middle\">" +
         std::to_string(r.epoch) + "</text>\n";
  }
  s += "<text x=\"" + fmt("%.1f", (L + W - R) / 2) + "\" y=\"" + fmt("%.1f", H - 12) +
       "\" text-anchor=\"middle\">epoch</text>\n";
  s += "<rect x=\"" + fmt("%.1f", L) + "\" y=\"" + fmt("%.1f", T) + "\" width=\"" + fmt("%.1f", W - L - R) +
       "\" height=\"" + fmt("%.1f", H - T - B) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  struct series {
    const char* name;
    const char* color;
    const char* dash;
    double epoch_record::*field;
  };
  const series all[] = {{"train loss", "#1f77b4", "", &epoch_record::train_loss},
                        {"train acc", "#9467bd", "6,4", &epoch_record::train_accuracy},
                        {"test acc", "#2ca02c", "2,3", &epoch_record::test_accuracy}};
  double ly = T + 10;
  for (const auto& se : all) {
    std::string pts;
    for (const auto& r : rs)
      pts += fmt("%.1f", x(static_cast<double>(r.epoch))) + "," + fmt("%.1f", y(r.*se.field)) + " ";
    s += "<polyline fill=\"none\" stroke=\"" + std::string(se.color) + "\" stroke-width=\"2\" stroke-dasharray=\"" +
         se.dash + "\" points=\"" + pts + "\"/>\n";
    s += "<line x1=\"" + fmt("%.1f", W - R + 15) + "\" x2=\"" + fmt("%.1f", W - R + 45) + "\" y1=\"" +
         fmt("%.1f", ly) + "\" y2=\"" + fmt("%.1f", ly) + "\" stroke=\"" + se.color +
         "\" stroke-width=\"2\" stroke-dasharray=\"" + se.dash + "\"/><text x=\"" + fmt("%.1f", W - R + 52) +
         "\" y=\"" + fmt("%.1f", ly + 4) + "\">" + se.name + "</text>\n";
    ly += 20;
  }
  return s + "</svg>\n";
}

// One epoch's progress: a bar redrawn in place on a terminal, a few plain lines otherwise.
class progress {
 public:
  progress(bool terminal, std::size_t epoch, std::size_t epochs) : terminal_(terminal), epoch_(epoch), epochs_(epochs) {}

  void update(std::size_t done, std::size_t total, std::size_t images, double loss) {
    const double secs = std::chrono::duration<double>(clock::now() - start_).count();
    const double rate = secs > 0 ? static_cast<double>(images) / secs : 0;
    if (terminal_) {
      if (done != total && clock::now() - last_ < std::chrono::milliseconds(100)) return;
      const std::size_t width = 30, filled = width * done / total;
      std::fprintf(stderr, "\repoch %zu/%zu [%s%s] %zu/%zu batches  %.0f img/s  loss %.4f ", epoch_, epochs_,
                   std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done, total, rate, loss);
      if (done == total) std::fputs("\r\033[K", stderr);
    } else if (done * 4 / total != (done - 1) * 4 / total && done != total) {
      std::fprintf(stderr, "epoch %zu/%zu: %zu/%zu batches  %.0f img/s  loss %.4f\n", epoch_, epochs_, done, total,
                   rate, loss);
    }
    std::fflush(stderr);
    last_ = clock::now();
  }

 private:
  using clock = std::chrono::steady_clock;
  bool terminal_;
  std::size_t epoch_, epochs_;
  clock::time_point start_ = clock::now(), last_ = clock::time_point{};
};

}  // namespace staticnn::cli
