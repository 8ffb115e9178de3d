import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize } from '../auth/decorators';
import { PAGE_400 } from '../common/page';
import { ExportQueryDto, OverdueQueryDto, RegisterQueryDto, TreeQueryDto } from './secretariat.dto';
import { SecretariatService } from './secretariat.service';

@ApiTags('secretariat')
@ApiBearerAuth()
@Controller()
export class SecretariatController {
  constructor(private readonly secretariat: SecretariatService) {}

  @Get('registers/outgoing')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'Directives the unit issued: filtered by status, type, dates and text (accents ignored), paginated',
  })
  outgoing(@Query() q: RegisterQueryDto) {
    return this.secretariat.outgoing(q);
  }

  @Get('registers/incoming')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary: 'Directives routed to the unit, with its acknowledgement and overdue cycles, paginated',
  })
  incoming(@Query() q: RegisterQueryDto) {
    return this.secretariat.incoming(q);
  }

  @Get('directives/:id/tree')
  @Authorize({ capability: 'view', unit: { param: 'id' }, via: 'directive' })
  @ApiOperation({
    summary: 'One level of the routing tree, paginated, each child with roll-ups of its subtree for a cycle',
  })
  tree(@Param('id') id: string, @Query() q: TreeQueryDto) {
    return this.secretariat.tree(id, q);
  }

  @Get('overdue')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({
    summary:
      'Overdue grassroots units on every open directive in the subtree, most late first, with the ladder level; a ' +
      'page ({ items, nextCursor })',
  })
  @ApiResponse({ status: 400, description: PAGE_400 })
  overdue(@Query() q: OverdueQueryDto) {
    return this.secretariat.overdue(q);
  }

  @Get('directives/:id/aggregate/export')
  @Authorize({ capability: 'view', unit: { query: 'unitId' } })
  @ApiOperation({ summary: 'The aggregated report of a cycle at a node, unit by unit, as CSV or XLSX' })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(@Param('id') id: string, @Query() q: ExportQueryDto, @Res() res: Response) {
    const file = await this.secretariat.exportAggregate(id, q);
    res
      .status(200)
      .type(file.contentType)
      .setHeader('Content-Disposition', `attachment; filename="${file.filename}"`)
      .send(file.body);
  }
}
