package org.percpulab.core.machine;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.percpulab.core.config.ConfigView;
import org.percpulab.core.cpu.Cpus;
import org.percpulab.core.exec.MicroOpExecutor;
import org.percpulab.core.kpt.KernelPageTables;
import org.percpulab.core.mem.PageAllocator;
import org.percpulab.core.mem.PhysMem;
import org.percpulab.core.pgtable.PageTableEngine;
import org.percpulab.core.spi.ArchBackend;
import org.percpulab.core.spi.ArchModel;
import org.percpulab.core.spi.MachineTopology;

/**
 * Core's Guice module for one machine: provides every part of the machine model as a singleton of
 * this injector (no static state).
 *
 * <p>Two ways to install it: {@code new MachineModule()} next to the foundation's
 * {@code org.percpulab.core.boot.CoreModule} (which binds ArchBackend, ArchModel, ConfigView and
 * MachineTopology), or {@code new MachineModule(backend, config)} standalone, which binds those
 * itself (used by {@link Machine#create}).
 */
public final class MachineModule extends AbstractModule {
  private final ArchBackend backend;
  private final ConfigView config;

  /** For use next to CoreModule: the base bindings come from there. */
  public MachineModule() {
    this(null, null);
  }

  /** Standalone: binds {@code backend}, {@code config}, the model and the topology too. */
  public MachineModule(ArchBackend backend, ConfigView config) {
    this.backend = backend;
    this.config = config;
  }

  @Override
  protected void configure() {
    if (backend != null) {
      bind(ArchBackend.class).toInstance(backend);
      bind(ConfigView.class).toInstance(config);
      ArchBackend b = backend;
      ConfigView c = config;
      install(new AbstractModule() {
        @Provides @Singleton
        ArchModel model(MachineTopology topo, MachineSettings s) {
          return b.configure(c, LocalMapGate.decide(b, topo, s.localMap(), c).decision());
        }

        @Provides @Singleton
        MachineTopology topology(MachineSettings s) {
          return s.topology();
        }
      });
    }
  }

  @Provides @Singleton
  MachineSettings settings(ConfigView config) {
    return MachineSettings.from(config);
  }

  @Provides @Singleton
  LocalMapGate gate(ArchBackend backend, ArchModel model, MachineTopology topo,
      MachineSettings s, ConfigView config) {
    LocalMapGate g = LocalMapGate.decide(backend, topo, s.localMap(), config).withModel(model);
    LocalMapContract.check(backend, model, g, config, topo);
    return g;
  }

  @Provides @Singleton
  PhysMem physMem(ArchModel model, MachineSettings s) {
    long ps = model.geometry().pageSize();
    return new PhysMem(model.geometry().pageShift(), model.layout().physOffset(),
        s.memoryBytes() & -ps);
  }

  @Provides @Singleton
  PageAllocator pageAllocator(PhysMem mem) {
    PageAllocator a = new PageAllocator(mem);
    a.reserve(mem.basePfn(), Machine.kernelImageBytes(mem) >>> mem.pageShift());
    return a;
  }

  @Provides @Singleton
  PageTableEngine engine(ArchModel model, PageAllocator alloc) {
    return new PageTableEngine(model.geometry(), model.descriptors(), alloc);
  }

  @Provides @Singleton
  KernelPageTables kernelPageTables(PageTableEngine engine, MachineTopology topo,
      LocalMapGate gate, ArchModel model) {
    java.util.Optional<org.percpulab.core.spi.CpuPrivatePage> pp = gate.active()
        ? java.util.Optional.empty() : model.capability(org.percpulab.core.spi.CpuPrivatePage.class);
    if (pp.isPresent()) {
      return new KernelPageTables(engine, topo.cpus(), pp.get().privateRange(),
          pp.get().privateLevel(), false);
    }
    return new KernelPageTables(engine, topo.cpus(),
        gate.active() ? gate.capability().orElseThrow().localArea() : null,
        gate.active() ? gate.capability().orElseThrow().privateLevel() : 0);
  }

  @Provides @Singleton
  Cpus cpus(MachineTopology topo, MachineSettings s, ArchModel model, PageTableEngine engine,
      KernelPageTables kpt) {
    return new Cpus(topo, s.tlbEntries(model), engine, kpt);
  }

  @Provides @Singleton
  MicroOpExecutor executor(Cpus cpus, PhysMem mem, ArchModel model) {
    return new MicroOpExecutor(cpus, mem, model.costs());
  }

  @Provides @Singleton
  Machine machine(ArchBackend backend, ConfigView config, ArchModel model, MachineSettings s, LocalMapGate gate, PhysMem mem,
      PageAllocator alloc, PageTableEngine engine, KernelPageTables kpt, Cpus cpus,
      MicroOpExecutor exec) {
    return new Machine(backend, model, config, s, gate, mem, alloc, engine, kpt, cpus, exec);
  }
}
