package org.percpulab.core.explore;

/**
 * One line of an execution trace: a micro-op or plain step that {@code task} ran on {@code cpu},
 * or a scheduling event (preemption, migration, interrupt) marked with {@code event}.
 *
 * @param step 1-based position in the execution
 * @param cpu the CPU whose column the line belongs to
 * @param task task name ({@code T0}, or {@code T0/irq} inside an interrupt handler)
 * @param text micro-op mnemonic or event description
 * @param event true for a scheduling event
 */
public record TraceLine(int step, int cpu, String task, String text, boolean event) {
}
