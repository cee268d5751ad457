package dev.warden.persistence.ledger;

import java.util.concurrent.CompletionStage;

/**
 * The body of a job type: runs one attempt of a job. Called on the ledger's handler dispatcher,
 * never on an actor; long work should run asynchronously and complete the returned stage. A
 * stage that fails is a failed attempt (retried per the type's {@link RetryPolicy}); a stage that
 * never completes is reaped at its deadline.
 */
@FunctionalInterface
public interface JobHandler {
  CompletionStage<String> run(String payload, JobContext context) throws Exception;
}
