package dev.warden.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test class that must have the machine to itself: it starts several cluster members (JVMs or actor
 * systems) whose failure detectors and fail-over times starve when another test class shares the 2 cores.
 * The build runs two test classes at once and these afterwards, one at a time (the surefire "solo"
 * execution in the root pom).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@Tag("solo")
public @interface Solo {}
