// staticnn train: SGD on IDX data (Fashion-MNIST by default) with per-epoch metrics, checkpoint
// and curves; --resume continues an interrupted run so that it ends bit-identical to an uninterrupted one.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <thread>

#include <staticnn/io/checkpoint.hpp>
#include <staticnn/train/fit.hpp>
#include <staticnn/train/init.hpp>
#include <staticnn/train/thread_pool.hpp>

#include "commands.hpp"
#include "data.hpp"
#include "models.hpp"
#include "ops.hpp"
#include "report.hpp"

namespace staticnn::cli {
namespace {

constexpr const char* checkpoint_name = "checkpoint.snn";

struct train_options {
  std::string model, data, out, resume;
  std::size_t epochs, batch, threads, limit_train, limit_test, checkpoint_every, bn_recalibrate;
  std::uint64_t seed;
  double lr, momentum, weight_decay;
};

// Shortest text that reads back as the same double (0.1 -> "0.1"), so recorded flags and
// metrics round-trip exactly.
std::string exact(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

// The flags that decide the result: recorded in the checkpoint's meta text as "key=value" lines
// (key = flag name with '_' for '-'), reused by --resume, which refuses a flag that disagrees.
std::vector<std::pair<std::string, std::string>> recorded_flags(const train_options& o) {
  return {{"model", o.model},
          {"epochs", std::to_string(o.epochs)},
          {"lr", exact(o.lr)},
          {"batch", std::to_string(o.batch)},
          {"seed", std::to_string(o.seed)},
          {"momentum", exact(o.momentum)},
          {"weight_decay", exact(o.weight_decay)},
          {"limit_train", std::to_string(o.limit_train)},
          {"limit_test", std::to_string(o.limit_test)},
          {"bn_recalibrate", std::to_string(o.bn_recalibrate)}};
}

// An epoch in progress at a mid-epoch checkpoint: its running sums and the seconds spent on it.
struct partial_epoch {
  train::epoch_stats stats;
  double train_seconds = 0, seconds = 0;
};

// Recorded too, but only as defaults for --resume: they may change without changing a bit of the
// weights (threads and out are never recorded).
std::vector<std::pair<std::string, std::string>> default_flags(const train_options& o) {
  std::error_code ec;
  const std::filesystem::path data = std::filesystem::absolute(o.data, ec);
  return {{"data", ec ? o.data : data.string()},
          {"checkpoint_every", std::to_string(o.checkpoint_every)}};
}

// Meta text: the recorded flags, then one "record=" line per finished epoch (what metrics.json
// holds, exactly), then "partial=" for a checkpoint written inside an epoch.
std::string meta_text(const train_options& o, const std::vector<epoch_record>& records,
                      const partial_epoch* p) {
  std::string s;
  for (const auto& [k, v] : recorded_flags(o)) s += k + "=" + v + "\n";
  for (const auto& [k, v] : default_flags(o)) s += k + "=" + v + "\n";
  for (const auto& r : records)
    s += "record=" + std::to_string(r.epoch) + " " + exact(r.train_loss) + " " +
         exact(r.train_accuracy) + " " + exact(r.test_accuracy) + " " + exact(r.seconds) + " " +
         exact(r.images_per_s) + "\n";
  if (p != nullptr)
    s += "partial=" + exact(p->stats.loss_sum) + " " + std::to_string(p->stats.correct) + " " +
         std::to_string(p->stats.samples) + " " + exact(p->train_seconds) + " " +
         exact(p->seconds) + "\n";
  return s;
}

// What --resume reads back from a checkpoint.
struct resume_state {
  io::checkpoint_header header;
  std::map<std::string, std::string> flags;
  std::vector<epoch_record> records;
  partial_epoch partial;
};

resume_state read_resume_state(const std::filesystem::path& file) {
  resume_state st;
  st.header = io::read_checkpoint_header(file);
  const auto bad = [&](const std::string& what) -> io::io_error {
    return io::io_error(file.string() + ": cannot resume: " + what);
  };
  std::istringstream lines(st.header.meta.meta);
  bool has_partial = false;
  for (std::string line; std::getline(lines, line);) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) throw bad("meta line '" + line + "' is not key=value");
    const std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    std::istringstream in(value);
    if (key == "record") {
      epoch_record r;
      if (!(in >> r.epoch >> r.train_loss >> r.train_accuracy >> r.test_accuracy >> r.seconds >>
            r.images_per_s))
        throw bad("unreadable epoch record '" + value + "'");
      st.records.push_back(r);
    } else if (key == "partial") {
      auto& p = st.partial;
      if (!(in >> p.stats.loss_sum >> p.stats.correct >> p.stats.samples >> p.train_seconds >>
            p.seconds))
        throw bad("unreadable partial epoch '" + value + "'");
      has_partial = true;
    } else {
      st.flags[key] = value;
    }
  }
  st.flags["model"] = st.header.meta.model;
  for (const auto& [k, v] : recorded_flags(train_options{}))
    if (!st.flags.count(k))
      throw bad("no '" + k + "' among its training flags (written by an older staticnn?)");
  if (st.records.size() != st.header.meta.epoch)
    throw bad("it holds " + std::to_string(st.records.size()) + " epoch records for " +
              std::to_string(st.header.meta.epoch) + " finished epochs");
  if ((st.header.meta.batch > 0) != has_partial)
    throw bad("mid-epoch position without the epoch's sums");
  return st;
}

// Removes the "<output>.tmp-<pid>" temporaries of a writer that no longer runs (killed mid-write).
void remove_stale_temporaries(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* output : {checkpoint_name, "metrics.json", "curves.svg"}) {
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string(),
                        prefix = std::string(output) + ".tmp-";
      if (name.rfind(prefix, 0) != 0) continue;
      const std::string pid = name.substr(prefix.size());
      if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos)
        continue;
      if (::kill(static_cast<pid_t>(std::stol(pid)), 0) == 0 || errno != ESRCH) continue;
      std::filesystem::remove(entry.path(), ec);
    }
  }
}

// The first parameter or state value that is not finite, as "layer 3 (conv2d) parameter 17 = nan".
template <class Net>
std::string first_nonfinite(const Net& net) {
  std::string found;
  net.for_each_layer([&](auto index, const auto& layer) {
    using L = std::remove_cvref_t<decltype(layer)>;
    std::size_t at = 0;  // index within the layer's parameters (state), across its runs
    const auto check = [&](const char* kind) {
      return [&, kind](auto values) {
        for (std::size_t k = 0; k < values.size() && found.empty(); ++k)
          if (!std::isfinite(values[k]))
            found = "layer " + std::to_string(decltype(index)::value) + " (" + L::name + ") " + kind +
                    " " + std::to_string(at + k) + " = " + fmt("%g", static_cast<double>(values[k]));
        at += values.size();
      };
    };
    if (found.empty()) for_each_param_span(layer, check("parameter"));
    at = 0;
    if (found.empty()) for_each_state_span(layer, check("state value"));
  });
  return found;
}

template <class Net>
int train_model(const train_options& o, const resume_state* resume) {
  const std::filesystem::path out(o.out), checkpoint = out / checkpoint_name;
  const auto write_reports = [&](const std::vector<epoch_record>& records) {
    io::write_file_atomically(out / "metrics.json", metrics_json(records));
    io::write_file_atomically(out / "curves.svg",
                              curves_svg(records, o.model + ", lr " + fmt("%g", o.lr) + ", batch " +
                                                      std::to_string(o.batch)));
  };
  if (resume != nullptr &&
      resume->header.meta.epoch >= o.epochs) {  // killed before the reports were written?
    std::filesystem::create_directories(out);
    remove_stale_temporaries(out);
    write_reports(resume->records);
    std::printf("%s/%s: already finished (%zu epochs); rewrote %s/{metrics.json,curves.svg}\n",
                o.resume.c_str(), checkpoint_name, o.epochs, o.out.c_str());
    return 0;
  }
  const io::dataset train = load_split<Net>(o.data, "train", o.limit_train);
  const io::dataset test = load_split<Net>(o.data, "t10k", o.limit_test);

  auto net = std::make_unique<Net>();
  train::rng gen(o.seed);
  auto opt = std::make_unique<train::sgd<Net>>();
  opt->lr = o.lr, opt->momentum = o.momentum, opt->weight_decay = o.weight_decay;
  std::vector<epoch_record> records;
  std::uint64_t step = 0;
  std::size_t first_epoch = 1, first_batch = 0;
  partial_epoch partial;
  if (resume != nullptr) {
    const std::filesystem::path from = std::filesystem::path(o.resume) / checkpoint_name;
    const io::checkpoint_meta m = io::load_checkpoint(from, *net, std::span<float>(opt->velocity));
    gen.s = m.rng, step = m.step, records = resume->records, partial = resume->partial;
    first_epoch = m.epoch + 1, first_batch = m.batch;
    std::printf("resuming %s from %s: epoch %zu of %zu, batch %zu, step %llu\n", o.model.c_str(),
                from.string().c_str(), first_epoch, o.epochs, first_batch,
                static_cast<unsigned long long>(step));
  } else {
    train::init_parameters(*net, gen);
  }
  std::filesystem::create_directories(out);
  if (resume != nullptr) remove_stale_temporaries(out);
  std::printf(
      "training %s: %zu train / %zu test images, %zu epochs, lr %g, batch %zu, seed %llu, %zu "
      "threads\n",
      o.model.c_str(), train.images.count, test.images.count, o.epochs, o.lr, o.batch,
      static_cast<unsigned long long>(o.seed), o.threads);

  auto tr = std::make_unique<typename model_ops<Net>::trainer_type>();
  train::thread_pool pool(o.threads);
  std::vector<std::uint32_t> order(train.images.count);
  std::vector<std::uint8_t> predicted(test.images.count);
  const bool terminal = ::isatty(::fileno(stderr)) != 0;
  // What `checkpoint` holds, for the divergence message.
  std::uint64_t saved_step = step;
  std::error_code ec;
  bool saved = resume != nullptr && std::filesystem::equivalent(o.resume, out, ec);

  for (std::size_t epoch = first_epoch; epoch <= o.epochs; ++epoch) {
    const std::array<std::uint64_t, 4> epoch_rng = gen.s;  // before the shuffle: redraws this order
    std::iota(order.begin(), order.end(), 0u);
    gen.shuffle(order.begin(), order.end());
    const std::size_t from = epoch == first_epoch ? first_batch : 0;
    const partial_epoch before = from > 0 ? partial : partial_epoch{};
    progress bar(terminal, epoch, o.epochs);
    const auto t0 = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };
    const train::epoch_stats e = model_ops<Net>::train_epoch(
        *net, *tr, *opt, train.images.pixels.data(), train.labels.data(), order, o.batch, pool,
        [&](std::size_t done, std::size_t total, const train::epoch_stats& so_far) {
          ++step;
          const double loss = so_far.loss_sum / static_cast<double>(so_far.samples);
          std::string bad =
              std::isfinite(loss) ? first_nonfinite(*net) : "loss = " + fmt("%g", loss);
          if (!bad.empty())
            throw std::runtime_error(
                "training diverged at step " + std::to_string(step) + " (epoch " +
                std::to_string(epoch) + "): " + bad + "; try a lower learning rate (--lr, now " +
                fmt("%g", o.lr) + "); " +
                (saved ? checkpoint.string() + " still holds step " + std::to_string(saved_step)
                       : std::string("this run wrote no checkpoint")));
          bar.update(done, total, so_far.samples, loss);
          if (o.checkpoint_every != 0 && step % o.checkpoint_every == 0) {
            const partial_epoch p{so_far, before.train_seconds + elapsed(),
                                  before.seconds + elapsed()};
            io::checkpoint_meta meta{o.model, meta_text(o, records, &p), epoch - 1, step, epoch_rng,
                                     done};
            io::save_checkpoint(checkpoint, *net, meta, std::span<const float>(opt->velocity));
            saved = true, saved_step = step;
          }
        },
        from, before.stats);
    const double train_seconds = before.train_seconds + elapsed();
    // Running statistics for eval (and for folding): re-estimated with this epoch's final weights
    // over the first --bn-recalibrate minibatches of the epoch's order (no random draws).
    model_ops<Net>::recalibrate_batchnorm(*net, *tr, train.images.pixels.data(), train.labels.data(), order,
                                 o.batch, o.bn_recalibrate, pool);
    model_ops<Net>::predict(*net, test.images.pixels.data(), test.images.count, predicted.data(), pool);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test.images.count; ++i) correct += predicted[i] == test.labels[i];

    epoch_record r;
    r.epoch = epoch;
    r.train_loss = e.loss_sum / static_cast<double>(e.samples);
    r.train_accuracy = static_cast<double>(e.correct) / static_cast<double>(e.samples);
    r.test_accuracy = static_cast<double>(correct) / static_cast<double>(test.images.count);
    r.seconds = before.seconds + elapsed();
    r.images_per_s = static_cast<double>(e.samples) / train_seconds;
    records.push_back(r);
    std::printf(
        "epoch %2zu/%zu  train loss %.4f  train acc %.4f  test acc %.4f  %6.2f s  %8.0f img/s\n",
        epoch, o.epochs, r.train_loss, r.train_accuracy, r.test_accuracy, r.seconds,
        r.images_per_s);
    std::fflush(stdout);

    io::checkpoint_meta meta{o.model, meta_text(o, records, nullptr), epoch, step, gen.s, 0};
    io::save_checkpoint(checkpoint, *net, meta, std::span<const float>(opt->velocity));
    saved = true, saved_step = step;
    write_reports(records);
  }
  std::printf("wrote %s/{checkpoint.snn,metrics.json,curves.svg}\n", o.out.c_str());
  return 0;
}

train_options options_from(const args& a, const std::string& default_out) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  train_options o;
  o.model = a.text("model", default_model());
  o.epochs = static_cast<std::size_t>(a.integer("epochs", 10, 1, 100000));
  o.lr = a.real("lr", 0.1, 1e-12, 1e3);
  o.batch = static_cast<std::size_t>(a.integer("batch", 128, 2, max_batch));
  o.momentum = a.real("momentum", 0, 0, 0.999999);
  o.weight_decay = a.real("weight-decay", 0, 0, 1);
  o.seed = static_cast<std::uint64_t>(a.integer("seed", 0, 0, 2147483647));
  o.threads = static_cast<std::size_t>(a.integer("threads", hw, 1, 256));
  o.data = a.text("data", default_data_dir());
  o.out = a.text("out", default_out);
  o.limit_train = static_cast<std::size_t>(a.integer("limit-train", 0, 2, 100000000));
  o.limit_test = static_cast<std::size_t>(a.integer("limit-test", 0, 1, 100000000));
  o.checkpoint_every = static_cast<std::size_t>(a.integer("checkpoint-every", 0, 1, 1000000000));
  o.bn_recalibrate = static_cast<std::size_t>(a.integer("bn-recalibrate", 50, 0, 1000000));
  o.resume = a.text("resume", "");
  return o;
}

}  // namespace

int cmd_train(int argc, char** argv) {
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const std::vector<flag> flags = {
      {"model", "NAME", "network: " + model_names() + " (default " + default_model() + ")"},
      {"epochs", "N", "passes over the training set (default 10)"},
      {"lr", "X", "learning rate (default 0.1)"},
      {"batch", "N", "minibatch size, 2.." + std::to_string(max_batch) + " (default 128)"},
      {"momentum", "X", "SGD momentum in [0, 1) (default 0)"},
      {"weight-decay", "X", "L2 weight decay (default 0)"},
      {"seed", "S", "initialisation and shuffling seed (default 0)"},
      {"threads", "N", "worker threads (default: all cores, " + std::to_string(hw) + ")"},
      {"data", "DIR", "IDX folder: {train,t10k}-images-idx3-ubyte (or idx4) and -labels-idx1-ubyte (default " +
                          default_data_dir() + ")"},
      {"out", "DIR", "output folder (default out/train; with --resume, its DIR)"},
      {"limit-train", "N", "use only the first N training images (default all)"},
      {"limit-test", "N", "use only the first N test images (default all)"},
      {"bn-recalibrate", "N",
       "after each epoch, set batchnorm running statistics to the mean over N minibatches with the "
       "weights frozen, as PyTorch's update_bn (default 50; 0: keep the moving averages)"},
      {"checkpoint-every", "N",
       "also write the checkpoint every N steps inside an epoch (default: per epoch)"},
      {"resume", "DIR",
       "continue from DIR/checkpoint.snn with its recorded flags; ends bit-identical to an "
       "uninterrupted run"}};
  args a("train", flags, argc, argv);
  if (a.help()) return std::fputs(a.usage(program_name).c_str(), stdout), 0;
  if (!a.has("resume")) {
    const train_options o = options_from(a, "out/train");
    return with_model(o.model,
                      [&](auto t) { return train_model<typename decltype(t)::type>(o, nullptr); });
  }

  // --resume: the recorded flags win; an explicit flag must agree with them.
  const std::string dir = a.text("resume", "");
  const train_options given = options_from(a, dir);
  const std::filesystem::path file = std::filesystem::path(dir) / checkpoint_name;
  const resume_state st = read_resume_state(file);
  std::vector<std::string> argv2;
  for (const auto& [key, value] : recorded_flags(given)) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    const std::string& recorded = st.flags.at(key);
    if (a.has(name) && value != recorded)
      throw usage_error("--" + name + " " + value + " conflicts with " + key + "=" + recorded +
                        " recorded in " + file.string() + " (a resumed run keeps its flags)");
    // limit-* = 0 means "all", which the flag itself cannot say: leave it at its default.
    if (recorded != "0" || (key != "limit_train" && key != "limit_test"))
      argv2.push_back("--" + name + "=" + recorded);
  }
  for (const char* f : {"threads", "out", "resume"})
    if (a.has(f)) argv2.push_back("--" + std::string(f) + "=" + a.text(f, ""));
  for (const auto& [key, value] : default_flags(given)) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', '-');
    const auto recorded = st.flags.find(key);
    if (a.has(name))
      argv2.push_back("--" + name + "=" + value);
    else if (recorded != st.flags.end() && recorded->second != "0")
      argv2.push_back("--" + name + "=" + recorded->second);
  }
  std::vector<char*> argv2p;
  for (auto& s : argv2) argv2p.push_back(s.data());
  train_options o;
  try {  // the recorded values pass the same range checks as flags
    o = options_from(args("train", flags, static_cast<int>(argv2p.size()), argv2p.data()), dir);
  } catch (const usage_error& e) {
    throw io::io_error(file.string() + ": cannot resume: recorded flags are invalid: " + e.what());
  }
  return with_model(o.model,
                    [&](auto t) { return train_model<typename decltype(t)::type>(o, &st); });
}

}  // namespace staticnn::cli
