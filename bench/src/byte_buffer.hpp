#pragma once
// A growable byte buffer that is appended to at the end and consumed from the front. It never
// shrinks, so a connection's buffers stop allocating once they have grown to their working size.

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace parley::bench {

class ByteBuffer {
  public:
    explicit ByteBuffer(std::size_t initial = 0) { reserve(initial); }

    /// `n` writable bytes at the end; commit() how many were written.
    char* prepare(std::size_t n) {
        if (end_ + n > capacity_) {
            grow(n);
        }
        return data_.get() + end_;
    }
    void commit(std::size_t n) noexcept { end_ += n; }

    void append(std::string_view bytes) {
        std::memcpy(prepare(bytes.size()), bytes.data(), bytes.size());
        commit(bytes.size());
    }
    void append_byte(char byte) {
        *prepare(1) = byte;
        commit(1);
    }

    const char* data() const noexcept { return data_.get() + begin_; }
    std::size_t size() const noexcept { return end_ - begin_; }
    bool empty() const noexcept { return begin_ == end_; }
    std::size_t capacity() const noexcept { return capacity_; }
    /// Free bytes at the end without growing (after moving the contents to the front).
    std::size_t writable() noexcept {
        compact();
        return capacity_ - end_;
    }

    void consume(std::size_t n) noexcept {
        begin_ += n;
        if (begin_ == end_) {
            begin_ = end_ = 0;
        }
    }
    void clear() noexcept { begin_ = end_ = 0; }
    void reserve(std::size_t n) {
        if (n > capacity_ - end_ + begin_) {
            grow(n);
        }
    }
    void swap(ByteBuffer& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(capacity_, other.capacity_);
        std::swap(begin_, other.begin_);
        std::swap(end_, other.end_);
    }

  private:
    void compact() noexcept {
        if (begin_ != 0) {
            std::memmove(data_.get(), data_.get() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
    }
    void grow(std::size_t n) {
        compact();
        if (end_ + n <= capacity_) {
            return;
        }
        std::size_t capacity = capacity_ == 0 ? 256 : capacity_;
        while (capacity < end_ + n) {
            capacity *= 2;
        }
        auto data = std::make_unique_for_overwrite<char[]>(capacity);
        if (end_ != 0) {
            std::memcpy(data.get(), data_.get(), end_);
        }
        data_ = std::move(data);
        capacity_ = capacity;
    }

    std::unique_ptr<char[]> data_;
    std::size_t capacity_ = 0;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

}  // namespace parley::bench
