import { Controller, HttpCode, Post, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService } from '../auth/auth.service';
import { CurrentPrincipal, Public } from '../auth/decorators';
import type { RequestPrincipal } from '../auth/principal';
import { ApiError, CommonErrorCode } from '../common/api-error';
import { EventsService } from './events.service';

/** How long a stream ticket may wait to be used. */
const TICKET_SECONDS = 60;
/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 25_000;
/** A stream ends after this long; the browser asks for a new ticket and opens another (the session is re-checked). */
const STREAM_MS = 15 * 60_000;

@ApiTags('events')
@Controller('events')
export class EventsController {
  constructor(
    private readonly auth: AuthService,
    private readonly events: EventsService,
  ) {}

  @Post('ticket')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: `A ticket (valid ${TICKET_SECONDS} s) to open GET /events/stream: an EventSource cannot send the token`,
  })
  ticket(@CurrentPrincipal() principal: RequestPrincipal) {
    if (principal.kind !== 'user')
      throw new ApiError(404, CommonErrorCode.NOT_FOUND, 'events: live updates are for signed-in users');
    return { ticket: this.auth.streamTicket(principal, TICKET_SECONDS), expiresInSeconds: TICKET_SECONDS };
  }

  @Get('stream')
  @Public()
  @ApiQuery({ name: 'ticket', description: 'from POST /events/ticket' })
  @ApiProduces('text/event-stream')
  @ApiOperation({
    summary:
      'Server-sent events: `changed` { directiveId, kind } for each change of a directive you may see (kind: the trail event)',
  })
  async stream(@Query('ticket') ticket: string | undefined, @Req() req: Request, @Res() res: Response) {
    if (typeof ticket !== 'string' || ticket.length > 2_000)
      throw new ApiError(400, CommonErrorCode.VALIDATION_FAILED, 'ticket: is required');
    const principal = await this.auth.authenticateStreamTicket(ticket);
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 3000\n: open\n\n');
    const unsubscribe = this.events.subscribe(principal, (n) =>
      res.write(`event: changed\ndata: ${JSON.stringify({ directiveId: n.directiveId, kind: n.kind })}\n\n`),
    );
    const beat = setInterval(() => res.write(': beat\n\n'), HEARTBEAT_MS);
    const end = setTimeout(() => res.end(), STREAM_MS);
    req.on('close', () => {
      clearInterval(beat);
      clearTimeout(end);
      unsubscribe();
    });
  }
}
