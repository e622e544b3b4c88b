#include "net/write_queue.hpp"

#include <gtest/gtest.h>

namespace parley::net {
namespace {

Frame frame_of_size(std::size_t body) {
    std::vector<std::uint8_t> bytes(body, 'x');
    return Frame::make(FrameType::private_message, 1, 2, bytes);
}

TEST(WriteQueueTest, RefusesFramesPastTheBound) {
    WriteQueue queue(100);
    EXPECT_TRUE(queue.push(frame_of_size(50)));   // 64 bytes
    EXPECT_FALSE(queue.push(frame_of_size(30)));  // 44 more would be 108
    EXPECT_EQ(queue.queued_bytes(), 64U);
    queue.push_unbounded(frame_of_size(30));
    EXPECT_EQ(queue.queued_bytes(), 108U);
}

TEST(WriteQueueTest, CoalescesPendingFramesIntoOneBatch) {
    WriteQueue queue(1 << 20);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(queue.push(frame_of_size(10)));
    }
    const auto& buffers = queue.start_batch();
    EXPECT_EQ(buffers.size(), 3U);
    EXPECT_TRUE(queue.writing());
    EXPECT_FALSE(queue.has_pending());
    // Frames queued during the write wait for the next batch.
    ASSERT_TRUE(queue.push(frame_of_size(10)));
    EXPECT_TRUE(queue.has_pending());
    queue.finish_batch();
    EXPECT_FALSE(queue.writing());
    EXPECT_EQ(queue.queued_bytes(), 24U);
    EXPECT_EQ(queue.start_batch().size(), 1U);
}

TEST(WriteQueueTest, DropPendingKeepsTheInFlightBatch) {
    WriteQueue queue(1 << 20);
    ASSERT_TRUE(queue.push(frame_of_size(10)));
    queue.start_batch();
    ASSERT_TRUE(queue.push(frame_of_size(10)));
    queue.drop_pending();
    EXPECT_FALSE(queue.has_pending());
    EXPECT_EQ(queue.queued_bytes(), 24U);
    queue.finish_batch();
    EXPECT_EQ(queue.queued_bytes(), 0U);
}

TEST(WriteQueueTest, DropUnstartedKeepsOnlyTheFrameAWriteStoppedIn) {
    WriteQueue queue(1 << 20);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(queue.push(frame_of_size(86)));  // 100 bytes each
    }
    queue.start_batch();
    queue.drop_unstarted(150);  // the second frame is half written
    EXPECT_EQ(queue.batch_buffers().bytes(), 200U);
    EXPECT_EQ(queue.queued_bytes(), 200U);
    queue.drop_unstarted(200);  // at a boundary: nothing of a later frame was written
    EXPECT_EQ(queue.queued_bytes(), 200U);
    queue.finish_batch();
    EXPECT_EQ(queue.queued_bytes(), 0U);

    ASSERT_TRUE(queue.push(frame_of_size(86)));
    queue.start_batch();
    queue.drop_unstarted(0);
    EXPECT_FALSE(queue.writing());
    EXPECT_EQ(queue.queued_bytes(), 0U);
}

}  // namespace
}  // namespace parley::net
