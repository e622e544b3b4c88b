#pragma once
// A minimal streaming JSON writer: objects, arrays, strings, integers and doubles, with commas
// placed automatically. Numbers are written plainly (no exponent for ordinary values), which
// keeps the results readable by people as well as by jq.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace parley::bench {

class JsonWriter {
  public:
    JsonWriter& begin_object() { return open('{'); }
    JsonWriter& end_object() { return close('}'); }
    JsonWriter& begin_array() { return open('['); }
    JsonWriter& end_array() { return close(']'); }

    JsonWriter& key(std::string_view name) {
        separate();
        write_string(name);
        out_ += ':';
        after_key_ = true;
        return *this;
    }

    JsonWriter& value(std::string_view text) {
        separate();
        write_string(text);
        return *this;
    }
    JsonWriter& value(const char* text) { return value(std::string_view{text}); }
    JsonWriter& value(bool flag) {
        separate();
        out_ += flag ? "true" : "false";
        return *this;
    }
    JsonWriter& value(std::uint64_t number) {
        separate();
        out_ += std::to_string(number);
        return *this;
    }
    JsonWriter& value(std::int64_t number) {
        separate();
        out_ += std::to_string(number);
        return *this;
    }
    JsonWriter& value(std::uint32_t number) { return value(std::uint64_t{number}); }
    JsonWriter& value(int number) { return value(std::int64_t{number}); }
    JsonWriter& value(double number) {
        separate();
        if (!std::isfinite(number)) {
            out_ += "null";
            return *this;
        }
        char text[64];
        const double magnitude = std::fabs(number);
        if (magnitude != 0 && (magnitude >= 1e15 || magnitude < 1e-4)) {
            std::snprintf(text, sizeof text, "%.6g", number);
        } else {
            std::snprintf(text, sizeof text, "%.4f", number);
            trim_zeros(text);
        }
        out_ += text;
        return *this;
    }
    JsonWriter& null() {
        separate();
        out_ += "null";
        return *this;
    }

    template <typename T>
    JsonWriter& field(std::string_view name, const T& v) {
        key(name);
        return value(v);
    }

    const std::string& str() const noexcept { return out_; }

  private:
    JsonWriter& open(char bracket) {
        separate();
        out_ += bracket;
        first_.push_back(true);
        return *this;
    }
    JsonWriter& close(char bracket) {
        out_ += bracket;
        first_.pop_back();
        return *this;
    }
    void separate() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_.empty()) {
            if (!first_.back()) {
                out_ += ',';
            }
            first_.back() = false;
        }
    }
    void write_string(std::string_view text) {
        out_ += '"';
        for (const char c : text) {
            switch (c) {
                case '"':
                    out_ += "\\\"";
                    break;
                case '\\':
                    out_ += "\\\\";
                    break;
                case '\n':
                    out_ += "\\n";
                    break;
                case '\t':
                    out_ += "\\t";
                    break;
                default:
                    if (static_cast<unsigned char>(c) < 0x20) {
                        char escaped[8];
                        std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                        out_ += escaped;
                    } else {
                        out_ += c;
                    }
            }
        }
        out_ += '"';
    }
    static void trim_zeros(char* text) {
        std::string_view view(text);
        if (view.find('.') == std::string_view::npos) {
            return;
        }
        auto end = view.size();
        while (end > 0 && text[end - 1] == '0') {
            --end;
        }
        if (end > 0 && text[end - 1] == '.') {
            --end;
        }
        text[end] = '\0';
    }

    std::string out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

}  // namespace parley::bench
