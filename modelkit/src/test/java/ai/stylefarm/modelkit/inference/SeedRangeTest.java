package ai.stylefarm.modelkit.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeedRangeTest {

    @Test
    void parsesRangesAndSinglesInOrder() {
        assertArrayEquals(new long[] {0, 1, 2, 105, 200, 201}, SeedRange.parse("0-2,105,200-201"));
    }

    @Test
    void dropsDuplicates() {
        assertArrayEquals(new long[] {1, 2, 3}, SeedRange.parse("1-3,2"));
    }

    @Test
    void rejectsMalformedSeedsNamingTheProblem() {
        var e = assertThrows(IllegalArgumentException.class, () -> SeedRange.parse("1,x"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SeedRange.parse("5-1"));
        assertThrows(IllegalArgumentException.class, () -> SeedRange.parse(""));
        assertThrows(IllegalArgumentException.class, () -> SeedRange.parse("1,,2"));
        assertThrows(IllegalArgumentException.class, () -> SeedRange.parse("4294967296"));
    }

    @Test
    void refusesListsOverTheLimitBeforeAllocatingThem() {
        var e = assertThrows(IllegalArgumentException.class, () -> SeedRange.parse("0-4294967295", 1000));
        assertTrue(e.getMessage().contains("more than 1000"), e.getMessage());
    }
}
