package org.percpulab.arch.s390;

import org.percpulab.core.config.ConfigView;
import org.percpulab.core.spi.ArchModel;

/** One configured s390 machine (work in progress). */
abstract class S390Model implements ArchModel {
  static ArchModel of(ConfigView config) {
    throw new IllegalStateException("s390 model is not complete yet");
  }
}
