import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** One row per probe workflow; written by the worker's activities, read by the API. */
@Entity({ name: 'probe' })
export class ProbeEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'text', name: 'workflow_id' })
  workflowId!: string;

  @Column({ type: 'text', default: 'recorded' })
  status!: string;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @CreateDateColumn({ type: 'timestamptz', name: 'recorded_at' })
  recordedAt!: Date;

  @Column({ type: 'timestamptz', name: 'finished_at', nullable: true })
  finishedAt!: Date | null;
}
