package dev.semstream.store;

import java.util.Arrays;

/**
 * A binary heap of graph nodes by score, the HNSW search's two queues: as a max-heap, the candidates
 * still to expand (best on top); as a min-heap, the results found so far (worst on top, so the beam can
 * drop it). Scores are "higher is better". Grows as needed; {@link #clear()} keeps the arrays, so one heap
 * serves every search of a thread.
 */
final class NodeHeap {
    private final boolean maxOnTop;
    private float[] scores;
    private int[] nodes;
    private int size;

    NodeHeap(boolean maxOnTop, int initialCapacity) {
        this.maxOnTop = maxOnTop;
        this.scores = new float[Math.max(1, initialCapacity)];
        this.nodes = new int[Math.max(1, initialCapacity)];
    }

    static NodeHeap maxHeap(int capacity) {
        return new NodeHeap(true, capacity);
    }

    static NodeHeap minHeap(int capacity) {
        return new NodeHeap(false, capacity);
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void clear() {
        size = 0;
    }

    int topNode() {
        assert size > 0 : "top of an empty heap";
        return nodes[0];
    }

    float topScore() {
        assert size > 0 : "top of an empty heap";
        return scores[0];
    }

    void push(int node, float score) {
        if (size == nodes.length) {
            nodes = Arrays.copyOf(nodes, 2 * size);
            scores = Arrays.copyOf(scores, 2 * size);
        }
        int i = size++;
        // Sift up with a hole instead of swaps.
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!above(score, scores[parent])) {
                break;
            }
            scores[i] = scores[parent];
            nodes[i] = nodes[parent];
            i = parent;
        }
        scores[i] = score;
        nodes[i] = node;
    }

    /** Removes the top node and returns it. */
    int pop() {
        assert size > 0 : "pop from an empty heap";
        int top = nodes[0];
        size--;
        if (size > 0) {
            float score = scores[size];
            int node = nodes[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && above(scores[child + 1], scores[child])) {
                    child++;
                }
                if (!above(scores[child], score)) {
                    break;
                }
                scores[i] = scores[child];
                nodes[i] = nodes[child];
                i = child;
            }
            scores[i] = score;
            nodes[i] = node;
        }
        return top;
    }

    /** The i-th stored node, in heap order (for draining without popping). */
    int nodeAt(int i) {
        return nodes[i];
    }

    float scoreAt(int i) {
        return scores[i];
    }

    private boolean above(float a, float b) {
        return maxOnTop ? a > b : a < b;
    }
}
