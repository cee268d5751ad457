package dev.warden.workers.build;

import java.util.List;

/**
 * The answer to promoting a release: promoted (with an override when packages were not ready), or
 * refused with the packages that are not validated-succeeded.
 */
public record PromotionAnswer(boolean promoted, boolean overridden, List<String> notReady, String reason) {
  public PromotionAnswer {
    notReady = List.copyOf(notReady);
  }
}
