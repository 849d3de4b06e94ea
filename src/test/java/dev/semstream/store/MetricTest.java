package dev.semstream.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricTest {

    @Test
    void parsesUserNamesInAnyCase() {
        assertEquals(Metric.COSINE, Metric.parse("cosine"));
        assertEquals(Metric.EUCLIDEAN, Metric.parse(" Euclidean "));
        assertEquals(Metric.DOT, Metric.parse("DOT"));
        assertEquals("euclidean", Metric.EUCLIDEAN.userName());
    }

    @Test
    void unknownMetricNamesTheChoices() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Metric.parse("manhattan"));
        assertEquals("unknown metric 'manhattan'; expected one of cosine, euclidean, dot", e.getMessage());
        assertThrows(InvalidRequestException.class, () -> Metric.parse(null));
    }

    @Test
    void onlyDistanceIsLowerBetter() {
        assertTrue(Metric.COSINE.higherIsBetter());
        assertTrue(Metric.DOT.higherIsBetter());
        assertFalse(Metric.EUCLIDEAN.higherIsBetter());
    }
}
