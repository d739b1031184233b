#pragma once
// Command-line parsing for the staticnn tool: each subcommand declares its flags; anything else,
// a missing value or a value out of range is a usage_error naming the flag.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace staticnn::cli {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct flag {
  std::string name;  // without the leading "--"
  std::string value_name;  // empty for a switch
  std::string help;
};

class args {
 public:
  args(std::string command, std::vector<flag> flags, int argc, char** argv)
      : command_(std::move(command)), flags_(std::move(flags)) {
    for (int i = 0; i < argc; ++i) {
      std::string a = argv[i];
      if (a == "-h" || a == "--help") {
        help_ = true;
        continue;
      }
      if (a.rfind("--", 0) != 0) throw usage_error("unexpected argument '" + a + "'");
      std::string name = a.substr(2), value;
      const bool inline_value = name.find('=') != std::string::npos;
      if (inline_value) value = name.substr(name.find('=') + 1), name.resize(name.find('='));
      const flag* f = find(name);
      if (f == nullptr) throw usage_error("unknown flag --" + name);
      if (!f->value_name.empty() && !inline_value) {
        if (i + 1 >= argc) throw usage_error("--" + name + " needs a value (" + f->value_name + ")");
        value = argv[++i];
      } else if (f->value_name.empty() && inline_value) {
        throw usage_error("--" + name + " takes no value");
      }
      if (values_.count(name)) throw usage_error("--" + name + " given twice");
      values_[name] = value;
    }
  }

  bool help() const { return help_; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }

  std::string text(const std::string& name, std::string fallback) const {
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    if (it->second.empty()) throw usage_error("--" + name + " must not be empty");
    return it->second;
  }
  long integer(const std::string& name, long fallback, long lo, long hi) const {
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end != '\0' || (errno != 0 && errno != ERANGE))
      throw usage_error("--" + name + " expects an integer, got '" + it->second + "'");
    if (v < lo || v > hi || errno == ERANGE)
      throw usage_error("--" + name + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " +
                        it->second);
    return v;
  }
  double real(const std::string& name, double fallback, double lo, double hi) const {
    auto it = values_.find(name);
    if (it == values_.end()) return fallback;
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(v == v))
      throw usage_error("--" + name + " expects a number, got '" + it->second + "'");
    if (v < lo || v > hi)
      throw usage_error("--" + name + " must be in [" + trim(lo) + ", " + trim(hi) + "], got " + it->second);
    return v;
  }

  std::string usage(std::string_view program) const {
    std::string s = "usage: " + std::string(program) + " " + command_ + " [flags]\n";
    for (const auto& f : flags_) {
      std::string left = "  --" + f.name + (f.value_name.empty() ? "" : " " + f.value_name);
      left.resize(std::max<std::size_t>(left.size() + 2, 28), ' ');
      s += left + f.help + "\n";
    }
    return s;
  }

 private:
  const flag* find(const std::string& name) const {
    for (const auto& f : flags_)
      if (f.name == name) return &f;
    return nullptr;
  }
  static std::string trim(double v) {  // 0.999999, 1000, 1e-12
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
  }

  std::string command_;
  std::vector<flag> flags_;
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

}  // namespace staticnn::cli
