#pragma once

#include <cstddef>
#include <iterator>

#include <boost/asio/buffer.hpp>

#include <parley/frame.hpp>

namespace parley::net {

/// A run of frames seen as one Asio buffer sequence, for a gather write, optionally without
/// the bytes already written. A view: copying it copies three words, and the frames must
/// outlive it (and any write using it).
class FrameBuffers {
  public:
    class const_iterator {
      public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = boost::asio::const_buffer;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = boost::asio::const_buffer;

        const_iterator() = default;
        const_iterator(const Frame* at, const Frame* first, std::size_t skip) noexcept
            : at_(at), first_(first), skip_(skip) {}

        boost::asio::const_buffer operator*() const noexcept {
            const auto bytes = at_->bytes();
            const std::size_t skip = at_ == first_ ? skip_ : 0;
            return {bytes.data() + skip, bytes.size() - skip};
        }
        const_iterator& operator++() noexcept {
            ++at_;
            return *this;
        }
        const_iterator operator++(int) noexcept {
            const_iterator before = *this;
            ++at_;
            return before;
        }
        bool operator==(const const_iterator& other) const noexcept { return at_ == other.at_; }

      private:
        const Frame* at_ = nullptr;
        const Frame* first_ = nullptr;
        std::size_t skip_ = 0;
    };

    FrameBuffers() = default;
    FrameBuffers(const Frame* first, const Frame* last, std::size_t skip = 0) noexcept
        : first_(first), last_(last), skip_(skip) {}

    const_iterator begin() const noexcept { return {first_, first_, skip_}; }
    const_iterator end() const noexcept { return {last_, first_, skip_}; }
    /// Number of frames (buffers) in the view.
    std::size_t size() const noexcept { return static_cast<std::size_t>(last_ - first_); }
    /// Bytes in the view.
    std::size_t bytes() const noexcept;
    /// The same frames without their first `n` bytes.
    FrameBuffers after(std::size_t n) const noexcept;

  private:
    const Frame* first_ = nullptr;
    const Frame* last_ = nullptr;
    std::size_t skip_ = 0;  // bytes of *first_ already written
};

}  // namespace parley::net
